// @ts-check
import { defineLayout } from '@directus/extensions-sdk';
import Tabular from './Tabular.vue';
import Cards from './Cards.vue';
import Calendar from './Calendar.vue';
import Kanban from './Kanban.vue';
import { useLayoutItems } from './use-layout-items.js';

const slots = { options: () => null, sidebar: () => null, actions: () => null };

export const layouts = [
  defineLayout({ id: 'tabular', name: 'Table', icon: 'table_rows', component: Tabular, slots, setup: useLayoutItems }),
  defineLayout({ id: 'cards', name: 'Cards', icon: 'grid_view', component: Cards, slots, setup: useLayoutItems }),
  defineLayout({
    id: 'calendar',
    name: 'Calendar',
    icon: 'calendar_month',
    component: Calendar,
    slots,
    setup: useLayoutItems,
  }),
  defineLayout({ id: 'kanban', name: 'Kanban', icon: 'view_kanban', component: Kanban, slots, setup: useLayoutItems }),
];
export const interfaces = [];
export const displays = [];
export const modules = [];
export const panels = [];
export const themes = [];
export const operations = [];
