import { defineModule } from '@annex/sdk-extension';
import ModuleComponent from './module.vue';

export default defineModule({
	id: '__ID__',
	name: '__TITLE__',
	icon: 'dashboard',
	routes: [
		{ path: '', component: ModuleComponent },
	],
});
