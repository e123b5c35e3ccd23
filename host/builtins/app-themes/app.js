// @ts-check
/*
 * Theme rules become CSS variables in the app (`navigation.background` →
 * `--theme--navigation--background`). The two default themes set every rule of Directus's theme
 * schema (packages/themes), so an extension styled with `var(--theme--border-width)`,
 * `var(--theme--form--row-gap)` or `var(--theme--fonts--sans--font-family)` draws as it does in
 * Directus; a theme extension's own rules are laid over the default of its appearance (theme.js).
 * Derived colors are mixed from the base ones, so a theme that changes `primary` changes them too.
 */
const mix = (a, b, percent) => `color-mix(in srgb, var(--theme--${a}), var(--theme--${b}) ${percent}%)`;
const v = (name) => `var(--theme--${name})`;
const SANS = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/** The rules both default themes share; the palette is each theme's own. */
function rulesOf(palette) {
  const shades = (name) => ({
    [name]: palette[name],
    [`${name}Background`]: mix('background', name, 10),
    [`${name}Subdued`]: mix('background', name, 50),
    [`${name}Accent`]: mix(name, 'foreground', 25),
  });
  const input = {
    background: palette.inputBackground,
    backgroundSubdued: v('background-subdued'),
    foreground: v('foreground'),
    foregroundSubdued: v('foreground-subdued'),
    borderColor: v('border-color'),
    borderColorHover: v('border-color-accent'),
    borderColorFocus: v('primary'),
    boxShadow: 'none',
    boxShadowHover: 'none',
    boxShadowFocus: `0 0 16px -8px ${v('primary')}`,
    // Annex's inputs keep their height (Directus's are 60px, 16px of padding).
    height: '40px',
    padding: '10px',
  };
  const label = { foreground: v('foreground-accent'), fontFamily: v('fonts--sans--font-family'), fontWeight: '600' };
  const button = (foreground, background) => ({
    foreground,
    foregroundHover: v('foreground-accent'),
    foregroundActive: v('primary'),
    background,
    backgroundHover: v('background-normal'),
    backgroundActive: v('background-accent'),
  });
  return {
    borderRadius: '6px',
    borderWidth: '1px',
    borderColor: palette.borderColor,
    borderColorAccent: mix('border-color', 'foreground', 15),
    borderColorSubdued: mix('border-color', 'background', 50),
    foreground: palette.foreground,
    foregroundSubdued: palette.foregroundSubdued,
    foregroundAccent: palette.foregroundAccent,
    background: palette.background,
    backgroundNormal: palette.backgroundNormal,
    backgroundAccent: palette.backgroundAccent,
    backgroundSubdued: palette.backgroundSubdued,
    ...shades('primary'),
    ...shades('secondary'),
    ...shades('success'),
    ...shades('warning'),
    ...shades('danger'),
    fonts: {
      display: { fontFamily: SANS, fontWeight: '700' },
      sans: { fontFamily: SANS, fontWeight: '500' },
      serif: { fontFamily: "Merriweather, Georgia, 'Times New Roman', serif", fontWeight: '500' },
      monospace: { fontFamily: "'Fira Mono', ui-monospace, Menlo, Consolas, monospace", fontWeight: '500' },
    },
    navigation: {
      background: palette.navigation,
      backgroundAccent: mix('navigation--background', 'foreground', 8),
      borderWidth: '0px',
      borderColor: 'transparent',
      project: {
        background: v('primary'),
        foreground: '#ffffff',
        fontFamily: v('fonts--sans--font-family'),
        borderWidth: '0px',
        borderColor: 'transparent',
      },
      modules: {
        background: palette.modules,
        borderWidth: '0px',
        borderColor: 'transparent',
        button: button(palette.navigationForeground, 'transparent'),
      },
      list: {
        icon: { foreground: v('primary'), foregroundHover: v('primary'), foregroundActive: v('primary') },
        foreground: palette.navigationForeground,
        foregroundHover: v('foreground-accent'),
        foregroundActive: v('foreground-accent'),
        background: 'transparent',
        backgroundHover: v('navigation--background-accent'),
        backgroundActive: v('navigation--background-accent'),
        fontFamily: v('fonts--sans--font-family'),
        divider: { borderColor: v('border-color-accent'), borderWidth: '2px' },
      },
      foreground: palette.navigationForeground,
    },
    header: {
      background: v('background'),
      borderWidth: '0px',
      borderColor: 'transparent',
      boxShadow: `0 4px 7px -4px ${mix('background', 'foreground', 20)}`,
      headline: { foreground: v('foreground-subdued'), fontFamily: v('fonts--sans--font-family') },
      title: { foreground: v('foreground-accent'), fontFamily: v('fonts--display--font-family'), fontWeight: '700' },
    },
    form: { columnGap: '32px', rowGap: '40px', field: { label, input } },
    sidebar: {
      background: v('background-normal'),
      foreground: v('foreground-subdued'),
      fontFamily: v('fonts--sans--font-family'),
      borderWidth: '0px',
      borderColor: 'transparent',
      section: {
        toggle: {
          icon: {
            foreground: v('foreground-accent'),
            foregroundHover: v('foreground-accent'),
            foregroundActive: v('foreground-accent'),
          },
          foreground: v('foreground-accent'),
          foregroundHover: v('foreground-accent'),
          foregroundActive: v('foreground-accent'),
          background: v('background-normal'),
          backgroundHover: v('background-normal'),
          backgroundActive: v('background-normal'),
          fontFamily: v('fonts--sans--font-family'),
          borderWidth: '0px',
          borderColor: 'transparent',
        },
        form: { columnGap: '32px', rowGap: '28px', field: { label, input } },
      },
    },
    public: {
      background: v('background'),
      foreground: v('foreground'),
      foregroundAccent: v('foreground-accent'),
      art: { background: palette.art, primary: v('primary'), secondary: v('secondary'), speed: '1' },
      form: { columnGap: '32px', rowGap: '40px', field: { label, input } },
    },
    popover: {
      menu: {
        background: v('background'),
        borderRadius: v('border-radius'),
        boxShadow: `0 0 16px 0 ${mix('background', 'foreground', 25)}`,
      },
    },
    banner: {
      background: palette.navigation,
      padding: '40px',
      borderRadius: v('border-radius'),
      avatar: { background: v('background'), foreground: v('foreground'), borderRadius: '50%' },
      headline: { foreground: v('foreground-accent'), fontFamily: v('fonts--sans--font-family') },
      title: { foreground: v('foreground-accent'), fontFamily: v('fonts--display--font-family'), fontWeight: '700' },
      subtitle: { foreground: v('foreground-subdued'), fontFamily: v('fonts--sans--font-family') },
      art: { foreground: v('primary') },
    },
  };
}

const light = {
  id: 'default-light',
  name: 'Default Light',
  appearance: 'light',
  rules: rulesOf({
    background: '#ffffff',
    backgroundNormal: '#f0f4f9',
    backgroundAccent: '#e4eaf1',
    backgroundSubdued: '#f7fafc',
    foreground: '#172940',
    foregroundSubdued: '#a2b5cd',
    foregroundAccent: '#0e1c2f',
    primary: '#6644ff',
    secondary: '#ff99dd',
    success: '#2ecda7',
    warning: '#ffa439',
    danger: '#e35169',
    borderColor: '#e4eaf1',
    inputBackground: '#ffffff',
    navigation: '#f0f4f9',
    navigationForeground: '#4f5464',
    modules: '#0e1c2f',
    art: '#f0f4f9',
  }),
};

const dark = {
  id: 'default-dark',
  name: 'Default Dark',
  appearance: 'dark',
  rules: rulesOf({
    background: '#0e1c2f',
    backgroundNormal: '#182a41',
    backgroundAccent: '#22364f',
    backgroundSubdued: '#13233a',
    foreground: '#c9d1d9',
    foregroundSubdued: '#6b7c93',
    foregroundAccent: '#ffffff',
    primary: '#8866ff',
    secondary: '#ff99dd',
    success: '#2ecda7',
    warning: '#ffb454',
    danger: '#ff6b81',
    borderColor: '#22364f',
    inputBackground: '#13233a',
    navigation: '#0a1524',
    navigationForeground: '#c9d1d9',
    modules: '#050b14',
    art: '#13233a',
  }),
};

export const themes = [light, dark];
export const interfaces = [];
export const displays = [];
export const layouts = [];
export const modules = [];
export const panels = [];
export const operations = [];
