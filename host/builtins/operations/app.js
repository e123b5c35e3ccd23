// @ts-check
/** App side of the built-in operations: name, icon and the main option shown in the flow editor. */
const defs = [
  {
    id: 'condition',
    name: 'Condition',
    icon: 'rule',
    main: 'filter',
  },
  {
    id: 'exec',
    name: 'Run Script',
    icon: 'code',
    main: 'code',
  },
  {
    id: 'item-create',
    name: 'Create Data',
    icon: 'add',
    main: 'collection',
  },
  {
    id: 'item-read',
    name: 'Read Data',
    icon: 'visibility',
    main: 'collection',
  },
  {
    id: 'item-update',
    name: 'Update Data',
    icon: 'edit',
    main: 'collection',
  },
  {
    id: 'item-delete',
    name: 'Delete Data',
    icon: 'delete',
    main: 'collection',
  },
  {
    id: 'json-web-token',
    name: 'JSON Web Token',
    icon: 'key',
    main: 'operation',
  },
  {
    id: 'log',
    name: 'Log to Console',
    icon: 'terminal',
    main: 'message',
  },
  {
    id: 'mail',
    name: 'Send Email',
    icon: 'mail',
    main: 'to',
  },
  {
    id: 'notification',
    name: 'Send Notification',
    icon: 'notifications',
    main: 'recipient',
  },
  {
    id: 'request',
    name: 'Webhook / Request URL',
    icon: 'cloud_download',
    main: 'url',
  },
  {
    id: 'sleep',
    name: 'Sleep',
    icon: 'schedule',
    main: 'milliseconds',
  },
  {
    id: 'throw-error',
    name: 'Throw Error',
    icon: 'warning',
    main: 'message',
  },
  {
    id: 'transform',
    name: 'Transform Payload',
    icon: 'move_down',
    main: 'json',
  },
  {
    id: 'trigger',
    name: 'Trigger Flow',
    icon: 'flowsheet',
    main: 'flow',
  },
];

export const operations = defs.map(({ id, name, icon, main }) => ({
  id,
  name,
  icon,
  description: `Built-in ${name} operation`,
  overview: (options) => [
    {
      label: main,
      text:
        options?.[main] === undefined
          ? ''
          : String(typeof options[main] === 'object' ? JSON.stringify(options[main]) : options[main]),
    },
  ],
  options: [{ field: main, name: main, type: 'string', meta: { interface: 'input', width: 'full' } }],
}));
export const interfaces = [];
export const displays = [];
export const layouts = [];
export const modules = [];
export const panels = [];
export const themes = [];
