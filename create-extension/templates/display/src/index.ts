import { defineDisplay } from '@annex/sdk-extension';
import DisplayComponent from './display.vue';

/** Shouts the value: what the display shows, also used where only text fits. */
export function shout(value: unknown): string | null {
	return value === null || value === undefined ? null : String(value).toUpperCase();
}

export default defineDisplay({
	id: '__ID__',
	name: '__TITLE__',
	icon: 'format_size',
	description: 'Shows the value in capitals',
	component: DisplayComponent,
	handler: (value) => shout(value),
	options: null,
	types: ['string', 'text'],
});
