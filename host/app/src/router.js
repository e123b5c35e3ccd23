import { createRouter, createWebHistory } from 'vue-router';
import Shell from './components/Shell.vue';
import Login from './pages/Login.vue';
import NotFound from './pages/NotFound.vue';

/** Fixed routes; module extensions add theirs under the shell route as they load. */
export function createAppRouter() {
  return createRouter({
    history: createWebHistory('/admin/'),
    routes: [
      { path: '/login', name: 'login', component: Login, meta: { public: true } },
      // Directus's addresses for the links it mails.
      {
        path: '/reset-password',
        name: 'reset-password',
        component: () => import('./pages/ResetPassword.vue'),
        meta: { public: true },
      },
      {
        path: '/accept-invite',
        name: 'accept-invite',
        component: () => import('./pages/AcceptInvite.vue'),
        meta: { public: true },
      },
      // A shared item (Directus's /admin/shared/:id): anyone with the link.
      {
        path: '/shared/:id',
        name: 'shared',
        component: () => import('./pages/SharedItem.vue'),
        meta: { public: true },
      },
      {
        path: '/',
        name: 'shell',
        component: Shell,
        children: [
          { path: '', name: 'home', redirect: '/content' },
          { path: ':pathMatch(.*)*', name: 'not-found', component: NotFound },
        ],
      },
    ],
  });
}
