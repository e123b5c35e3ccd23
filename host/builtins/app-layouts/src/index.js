// @ts-check
import { defineLayout } from '@directus/extensions-sdk';
import Tabular from './Tabular.vue';
import Cards from './Cards.vue';
import Calendar from './Calendar.vue';
import Kanban from './Kanban.vue';
import TabularOptions from './TabularOptions.vue';
import CardsOptions from './CardsOptions.vue';
import BoardOptions from './BoardOptions.vue';
import { useLayoutItems } from './use-layout-items.js';
import { useCalendar, useKanban } from './use-boards.js';

const none = () => null;
const slots = { options: none, sidebar: none, actions: none };

export const layouts = [
  defineLayout({
    id: 'tabular',
    name: 'Table',
    icon: 'table_rows',
    component: Tabular,
    slots: { ...slots, options: TabularOptions },
    setup: useLayoutItems,
  }),
  defineLayout({
    id: 'cards',
    name: 'Cards',
    icon: 'grid_view',
    component: Cards,
    slots: { ...slots, options: CardsOptions },
    setup: useLayoutItems,
  }),
  defineLayout({
    id: 'calendar',
    name: 'Calendar',
    icon: 'calendar_month',
    component: Calendar,
    slots: { ...slots, options: BoardOptions },
    setup: useCalendar,
  }),
  defineLayout({
    id: 'kanban',
    name: 'Kanban',
    icon: 'view_kanban',
    component: Kanban,
    slots: { ...slots, options: BoardOptions },
    setup: useKanban,
  }),
];
export const interfaces = [];
export const displays = [];
export const modules = [];
export const panels = [];
export const themes = [];
export const operations = [];
