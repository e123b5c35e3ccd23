import { definePanel } from '@annex/sdk-extension';
import PanelComponent from './panel.vue';

export default definePanel({
	id: '__ID__',
	name: '__TITLE__',
	icon: 'insights',
	description: 'Shows a message on a dashboard',
	component: PanelComponent,
	options: [
		{ field: 'text', name: 'Text', type: 'string', meta: { interface: 'input', width: 'full' } },
	],
	minWidth: 12,
	minHeight: 8,
});
