import { computed, ref } from 'vue';
import { defineLayout } from '@annex/sdk-extension';
import LayoutComponent from './layout.vue';
import OptionsComponent from './options.vue';

export default defineLayout({
	id: '__ID__',
	name: '__TITLE__',
	icon: 'view_list',
	component: LayoutComponent,
	slots: {
		options: OptionsComponent,
		sidebar: () => null,
		actions: () => null,
	},
	setup(props) {
		const title = ref('__TITLE__');
		const collection = computed(() => props.collection);
		return { title, collection };
	},
});
