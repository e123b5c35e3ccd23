// @ts-check
import { defineModule } from '@directus/extensions-sdk';

// Pages load when first visited: the module configs themselves are tiny.
const CollectionPage = () => import('./content/CollectionPage.vue');
const ItemPage = () => import('./content/ItemPage.vue');
const ContentHome = () => import('./content/ContentHome.vue');
const Dashboards = () => import('./insights/Dashboards.vue');
const Dashboard = () => import('./insights/Dashboard.vue');
const Extensions = () => import('./settings/Extensions.vue');
const SettingsMarketplace = () => import('./settings/Marketplace.vue');
const Activity = () => import('./settings/Activity.vue');
const Translations = () => import('./settings/Translations.vue');
const Project = () => import('./settings/Project.vue');
const Logs = () => import('./settings/Logs.vue');
const DataModel = () => import('./settings/data-model/DataModel.vue');
const DataModelCollection = () => import('./settings/data-model/DataModelCollection.vue');
const Flows = () => import('./settings/flows/Flows.vue');
const FlowEditor = () => import('./settings/flows/FlowEditor.vue');
const Marketplace = () => import('./marketplace/Marketplace.vue');
const UsersPage = () => import('./users/UsersPage.vue');
const UserItemPage = () => import('./users/UserItemPage.vue');
const FilesPage = () => import('./files/FilesPage.vue');
const FileItemPage = () => import('./files/FileItemPage.vue');

const admin = (user) => user?.admin_access === true;

export const modules = [
  defineModule({
    id: 'content',
    name: 'Content',
    icon: 'box',
    routes: [
      { path: '', component: ContentHome },
      { path: ':collection', name: 'content-collection', component: CollectionPage, props: true },
      { path: ':collection/:primaryKey', name: 'content-item', component: ItemPage, props: true },
    ],
  }),
  // Directus's user directory and file library, at Directus's routes (/users/:id, /files/:id).
  defineModule({
    id: 'users',
    name: 'User Directory',
    icon: 'people_alt',
    routes: [
      { path: '', component: UsersPage },
      { path: 'roles/:role', name: 'users-collection-role', component: UsersPage, props: true },
      { path: ':primaryKey', name: 'users-item', component: UserItemPage, props: true },
    ],
  }),
  defineModule({
    id: 'files',
    name: 'File Library',
    icon: 'folder',
    routes: [
      { path: '', component: FilesPage },
      { path: 'folders/:folder', name: 'files-folder', component: FilesPage, props: true },
      { path: ':primaryKey', name: 'files-item', component: FileItemPage, props: true },
    ],
  }),
  defineModule({
    id: 'insights',
    name: 'Insights',
    icon: 'insert_chart',
    routes: [
      { path: '', component: Dashboards },
      { path: ':dashboard', component: Dashboard, props: true },
    ],
  }),
  defineModule({
    id: 'settings',
    name: 'Settings',
    icon: 'settings',
    preRegisterCheck: admin,
    routes: [
      { path: '', redirect: '/settings/extensions' },
      { path: 'project', name: 'settings-project', component: Project },
      { path: 'extensions', component: Extensions },
      { path: 'marketplace', component: SettingsMarketplace },
      { path: 'activity', component: Activity },
      { path: 'translations', component: Translations },
      { path: 'logs', component: Logs },
      { path: 'data-model', name: 'settings-collections', component: DataModel },
      { path: 'data-model/:collection', name: 'settings-fields', component: DataModelCollection, props: true },
      { path: 'flows', name: 'settings-flows-collection', component: Flows },
      { path: 'flows/:id', name: 'settings-flows-item', component: FlowEditor, props: true },
    ],
  }),
  defineModule({
    id: 'marketplace',
    name: 'Marketplace',
    icon: 'storefront',
    preRegisterCheck: admin,
    routes: [{ path: '', component: Marketplace }],
  }),
];
export const interfaces = [];
export const displays = [];
export const layouts = [];
export const panels = [];
export const themes = [];
export const operations = [];
