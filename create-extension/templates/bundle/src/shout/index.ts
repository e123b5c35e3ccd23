import { defineDisplay } from '@annex/sdk-extension';
import DisplayComponent from './display.vue';

export default defineDisplay({
	id: '__ID__-shout',
	name: 'Shout',
	icon: 'format_size',
	component: DisplayComponent,
	handler: (value) => (value === null || value === undefined ? null : String(value).toUpperCase()),
	options: null,
	types: ['string'],
});
