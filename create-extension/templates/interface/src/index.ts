import { defineInterface } from '@annex/sdk-extension';
import InterfaceComponent from './interface.vue';

export default defineInterface({
	id: '__ID__',
	name: '__TITLE__',
	icon: 'edit',
	description: 'A text input that counts characters',
	component: InterfaceComponent,
	options: [
		{ field: 'placeholder', name: 'Placeholder', type: 'string', meta: { width: 'full', interface: 'input' } },
	],
	types: ['string', 'text'],
});
