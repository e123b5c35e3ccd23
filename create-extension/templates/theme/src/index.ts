import { defineTheme } from '@annex/sdk-extension';

export default defineTheme({
	id: '__ID__',
	name: '__TITLE__',
	appearance: 'dark',
	rules: {
		background: '#0f172a',
		foreground: '#e2e8f0',
		primary: '#38bdf8',
		navigation: { background: '#111827' },
	},
});
