/// <reference types="@annex/sdk-extension/api" />

declare module '*.vue' {
	import type { DefineComponent } from 'vue';
	const component: DefineComponent<{}, {}, unknown>;
	export default component;
}
