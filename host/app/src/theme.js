import { ref, watch } from 'vue';

const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Theme rules → CSS variables, Directus style: `{navigation: {background}}` → `--theme--navigation--background`. */
export function themeVariables(rules, prefix = '--theme') {
  const out = {};
  for (const [key, value] of Object.entries(rules ?? {})) {
    const name = `${prefix}--${kebab(key)}`;
    if (value && typeof value === 'object') Object.assign(out, themeVariables(value, name));
    else if (value !== undefined && value !== null) out[name] = String(value);
  }
  return out;
}

/**
 * The active theme: the user's choice (saved on the user), else the project default, else
 * `default-light`. Applied live as CSS variables on <html> whenever the choice or the set of
 * theme extensions changes.
 */
export function createThemeController({ api, registry, stores }) {
  const selected = ref(localStorage.getItem('annex.theme') || null);
  let applied = [];

  function current() {
    const themes = registry.state.themes;
    const settings = stores.useSettingsStore().settings ?? {};
    const wanted = [
      selected.value,
      stores.useUserStore().currentUser?.theme,
      settings.default_theme_light,
      'default-light',
    ];
    for (const id of wanted) {
      const t = id && themes.find((x) => x.id === id);
      if (t) return t;
    }
    return themes[0] ?? null;
  }

  function apply() {
    const theme = current();
    const root = document.documentElement;
    for (const name of applied) root.style.removeProperty(name);
    // A theme extension sets some rules; the rest are the default theme's of its appearance, as in Directus.
    const base = registry.state.themes.find(
      (t) => t.id === `default-${theme?.appearance === 'dark' ? 'dark' : 'light'}`,
    );
    const vars = { ...themeVariables(base && base !== theme ? base.rules : {}), ...themeVariables(theme?.rules) };
    for (const [name, value] of Object.entries(vars)) root.style.setProperty(name, value);
    applied = Object.keys(vars);
    root.dataset.theme = theme?.id ?? '';
    root.dataset.appearance = theme?.appearance ?? 'light';
    document.body?.classList.toggle('dark', theme?.appearance === 'dark');
  }

  watch([selected, () => registry.state.themes, () => stores.useUserStore().currentUser?.theme], apply, {
    immediate: true,
  });

  return {
    selected,
    current,
    async choose(id) {
      selected.value = id;
      localStorage.setItem('annex.theme', id);
      await api.patch('/users/me', { theme: id }).catch(() => {});
    },
  };
}
