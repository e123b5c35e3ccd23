import VButton from './VButton.vue';
import VIcon from './VIcon.vue';
import VInput from './VInput.vue';
import VTextarea from './VTextarea.vue';
import VNotice from './VNotice.vue';
import VCheckbox from './VCheckbox.vue';
import VSelect from './VSelect.vue';
import VForm from './VForm.vue';
import RenderDisplay from './RenderDisplay.vue';

/** Global base components, with the names Directus extensions resolve (`v-input`, `v-notice`, …). */
export function registerBaseComponents(app) {
  const all = { VButton, VIcon, VInput, VTextarea, VNotice, VCheckbox, VSelect, VForm, RenderDisplay };
  for (const [name, component] of Object.entries(all)) app.component(name, component);
}
