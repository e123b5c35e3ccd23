// @ts-check
/** Theme rules become CSS variables in the app (`navigation.background` → `--theme--navigation--background`). */
const light = {
  id: 'default-light',
  name: 'Default Light',
  appearance: 'light',
  rules: {
    background: '#ffffff',
    backgroundNormal: '#f0f4f9',
    backgroundSubdued: '#f7fafc',
    foreground: '#172940',
    foregroundSubdued: '#a2b5cd',
    primary: '#6644ff',
    danger: '#e35169',
    warning: '#ffa439',
    borderColor: '#e4eaf1',
    borderRadius: '6px',
    navigation: { background: '#f0f4f9', foreground: '#4f5464' },
    form: { field: { input: { background: '#ffffff' } } },
  },
};

const dark = {
  id: 'default-dark',
  name: 'Default Dark',
  appearance: 'dark',
  rules: {
    background: '#0e1c2f',
    backgroundNormal: '#182a41',
    backgroundSubdued: '#13233a',
    foreground: '#c9d1d9',
    foregroundSubdued: '#6b7c93',
    primary: '#8866ff',
    danger: '#ff6b81',
    warning: '#ffb454',
    borderColor: '#22364f',
    borderRadius: '6px',
    navigation: { background: '#0a1524', foreground: '#c9d1d9' },
    form: { field: { input: { background: '#13233a' } } },
  },
};

export const themes = [light, dark];
export const interfaces = [];
export const displays = [];
export const layouts = [];
export const modules = [];
export const panels = [];
export const operations = [];
