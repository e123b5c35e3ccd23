# One-off generator for templates/: each file is written once with «…» marking TypeScript-only
# text; the TS variant keeps it, the JS variant drops it.
import os, re, shutil
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'templates')

def variants(text):
    ts = re.sub(r'«(.*?)»', r'\1', text, flags=re.S)
    js = re.sub(r'«(.*?)»', '', text, flags=re.S)
    return ts, js

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)

def emit(variant_dir, files):
    for rel, text in files.items():
        ts, js = variants(text)
        ext_ts = rel.replace('.EXT', '.ts')
        ext_js = rel.replace('.EXT', '.js')
        write(os.path.join(ROOT, variant_dir, 'typescript', ext_ts), ts)
        write(os.path.join(ROOT, variant_dir, 'javascript', ext_js), js)

HEAD = "import { fileURLToPath } from 'node:url';\nimport { afterEach, describe, expect, it } from 'vitest';\n"
DIR = "const dir = fileURLToPath(new URL('..', import.meta.url));\n"

def app_test(kind, checks):
    return (HEAD + "import { loadAppExtension } from '@annex/sdk-extension/testing';\n\n" + DIR +
        f"\ndescribe('__ID__ {kind}', () => {{\n\tit('builds and exports its config', async () => {{\n\t\tconst {{ config }} = await loadAppExtension({{ dir }});\n{checks}\t}}, 30_000);\n}});\n")

COMPONENT = lambda tag, body, script: f"<template>\n{body}</template>\n\n<script setup«{tag}»>\n{script}</script>\n"

templates = {}

templates['interface'] = {
 'src/index.EXT': """import { defineInterface } from '@annex/sdk-extension';
import InterfaceComponent from './interface.vue';

export default defineInterface({
\tid: '__ID__',
\tname: '__TITLE__',
\ticon: 'edit',
\tdescription: 'A text input that counts characters',
\tcomponent: InterfaceComponent,
\toptions: [
\t\t{ field: 'placeholder', name: 'Placeholder', type: 'string', meta: { width: 'full', interface: 'input' } },
\t],
\ttypes: ['string', 'text'],
});
""",
 'src/interface.vue': COMPONENT(' lang="ts"', """\t<div class="__ID__">
\t\t<input :value="value" :placeholder="placeholder" @input="onInput" />
\t\t<small>{{ (value ?? '').length }} characters</small>
\t</div>
""", """defineProps({
\tvalue: { type: String, default: null },
\tplaceholder: { type: String, default: '' },
});
const emit = defineEmits(['input']);

function onInput(event«: Event») {
\temit('input', (event.target« as HTMLInputElement»).value);
}
""") + "\n<style scoped>\ninput {\n\twidth: 100%;\n}\n</style>\n",
 'test/extension.test.EXT': app_test('interface', "\t\texpect(config?.id).toBe('__ID__');\n\t\texpect(config?.types).toContain('string');\n\t\texpect(config?.component).toBeTruthy();\n"),
}

templates['display'] = {
 'src/index.EXT': """import { defineDisplay } from '@annex/sdk-extension';
import DisplayComponent from './display.vue';

/** Shouts the value: what the display shows, also used where only text fits. */
export function shout(value«: unknown»)«: string | null» {
\treturn value === null || value === undefined ? null : String(value).toUpperCase();
}

export default defineDisplay({
\tid: '__ID__',
\tname: '__TITLE__',
\ticon: 'format_size',
\tdescription: 'Shows the value in capitals',
\tcomponent: DisplayComponent,
\thandler: (value) => shout(value),
\toptions: null,
\ttypes: ['string', 'text'],
});
""",
 'src/display.vue': COMPONENT(' lang="ts"', "\t<span class=\"__ID__\">{{ value === null ? '—' : String(value).toUpperCase() }}</span>\n", "defineProps({ value: { type: null, default: null } });\n"),
 'test/extension.test.EXT': app_test('display', "\t\texpect(config?.id).toBe('__ID__');\n\t\tconst handler = config?.handler« as (value: unknown, options: null, context: object) => string | null»;\n\t\texpect(handler('hello', null, {})).toBe('HELLO');\n"),
}

templates['layout'] = {
 'src/index.EXT': """import { computed, ref } from 'vue';
import { defineLayout } from '@annex/sdk-extension';
import LayoutComponent from './layout.vue';
import OptionsComponent from './options.vue';

export default defineLayout({
\tid: '__ID__',
\tname: '__TITLE__',
\ticon: 'view_list',
\tcomponent: LayoutComponent,
\tslots: {
\t\toptions: OptionsComponent,
\t\tsidebar: () => null,
\t\tactions: () => null,
\t},
\tsetup(props) {
\t\tconst title = ref('__TITLE__');
\t\tconst collection = computed(() => props.collection);
\t\treturn { title, collection };
\t},
});
""",
 'src/layout.vue': COMPONENT(' lang="ts"', "\t<div class=\"__ID__\">\n\t\t<h2>{{ title }}</h2>\n\t\t<p>Collection: {{ collection }}</p>\n\t</div>\n", "defineProps({\n\ttitle: { type: String, default: '' },\n\tcollection: { type: String, default: null },\n});\n"),
 'src/options.vue': COMPONENT(' lang="ts"', "\t<p>No options yet.</p>\n", ""),
 'test/extension.test.EXT': app_test('layout', "\t\texpect(config?.id).toBe('__ID__');\n\t\tconst setup = config?.setup« as (props: { collection: string }, ctx: { emit: () => void }) => { title: { value: string }; collection: { value: string } }»;\n\t\tconst state = setup({ collection: 'articles' }, { emit: () => {} });\n\t\texpect(state.collection.value).toBe('articles');\n"),
}

templates['module'] = {
 'src/index.EXT': """import { defineModule } from '@annex/sdk-extension';
import ModuleComponent from './module.vue';

export default defineModule({
\tid: '__ID__',
\tname: '__TITLE__',
\ticon: 'dashboard',
\troutes: [
\t\t{ path: '', component: ModuleComponent },
\t],
});
""",
 'src/module.vue': COMPONENT(' lang="ts"', "\t<private-view title=\"__TITLE__\">\n\t\t<p>Hello from the __ID__ module.</p>\n\t</private-view>\n", ""),
 'test/extension.test.EXT': app_test('module', "\t\texpect(config?.id).toBe('__ID__');\n\t\tconst routes = config?.routes« as { path: string }[]»;\n\t\texpect(routes.map((r) => r.path)).toEqual(['']);\n"),
}

templates['panel'] = {
 'src/index.EXT': """import { definePanel } from '@annex/sdk-extension';
import PanelComponent from './panel.vue';

export default definePanel({
\tid: '__ID__',
\tname: '__TITLE__',
\ticon: 'insights',
\tdescription: 'Shows a message on a dashboard',
\tcomponent: PanelComponent,
\toptions: [
\t\t{ field: 'text', name: 'Text', type: 'string', meta: { interface: 'input', width: 'full' } },
\t],
\tminWidth: 12,
\tminHeight: 8,
});
""",
 'src/panel.vue': COMPONENT(' lang="ts"', "\t<div class=\"__ID__\" :class=\"{ 'has-header': showHeader }\">{{ text }}</div>\n", "defineProps({\n\tshowHeader: { type: Boolean, default: false },\n\ttext: { type: String, default: '' },\n});\n") + "\n<style scoped>\n.has-header {\n\tpadding: 0 12px;\n}\n</style>\n",
 'test/extension.test.EXT': app_test('panel', "\t\texpect(config?.id).toBe('__ID__');\n\t\texpect(config?.minWidth).toBe(12);\n\t\texpect(config?.options).toHaveLength(1);\n"),
}

templates['theme'] = {
 'src/index.EXT': """import { defineTheme } from '@annex/sdk-extension';

export default defineTheme({
\tid: '__ID__',
\tname: '__TITLE__',
\tappearance: 'dark',
\trules: {
\t\tbackground: '#0f172a',
\t\tforeground: '#e2e8f0',
\t\tprimary: '#38bdf8',
\t\tnavigation: { background: '#111827' },
\t},
});
""",
 'test/extension.test.EXT': app_test('theme', "\t\texpect(config?.id).toBe('__ID__');\n\t\texpect(config?.appearance).toBe('dark');\n\t\texpect(config?.rules).toHaveProperty('primary');\n"),
}

# ---- API types (trusted and sandboxed) ----
HARNESS = "import { createTestHarness« , type TestHarness» } from '@annex/sdk-extension/testing';\n"

templates['hook'] = {
 'src/index.EXT': """import { defineHook } from '@annex/sdk-extension';

/** URL-friendly form of a title. */
export function slugify(title«: string»)«: string» {
\treturn title.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export default defineHook(({ filter, action }, { logger }) => {
\t// Give every new article a slug derived from its title.
\tfilter('articles.items.create', (payload«: Record<string, unknown>») => {
\t\tif (typeof payload.title === 'string' && !payload.slug) return { ...payload, slug: slugify(payload.title) };
\t\treturn payload;
\t});

\taction('articles.items.create', ({ key }) => {
\t\tlogger.info(`article ${String(key)} created`);
\t});
});
""",
 'test/extension.test.EXT': HEAD + HARNESS + "\n" + DIR + """
describe('__ID__ hook', () => {
\tlet harness«: TestHarness | undefined»;
\tafterEach(async () => harness?.dispose());

\tit('adds a slug to new articles and logs the creation', async () => {
\t\tharness = await createTestHarness({ dir, items: { articles: [] } });
\t\tconst { ItemsService } = harness.services;
\t\tconst articles = new ItemsService('articles', { schema: { collections: {}, relations: [] } });
\t\tconst key = await articles.createOne({ title: 'Hello World' });

\t\texpect(harness.items('articles')).toEqual([{ id: key, title: 'Hello World', slug: 'hello-world' }]);
\t\texpect(harness.logs).toContainEqual({ level: 'info', message: `article ${key} created` });
\t}, 30_000);
});
""",
}

templates['hook-sandbox'] = {
 'src/index.EXT': """import { log } from 'directus:api';
import { defineSandboxHook } from '@annex/sdk-extension';

/** URL-friendly form of a title. */
export function slugify(title«: string»)«: string» {
\treturn title.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

// Runs in the sandbox: no database, file system or network unless a scope is granted.
export default defineSandboxHook(({ filter, action }) => {
\tfilter('articles.items.create', (payload«: Record<string, unknown>») => {
\t\tif (typeof payload.title === 'string' && !payload.slug) return { ...payload, slug: slugify(payload.title) };
\t\treturn payload;
\t});

\taction('articles.items.create', (meta) => {
\t\tlog(`article ${String(meta.key)} created`);
\t});
});
""",
 'test/extension.test.EXT': HEAD + HARNESS + "\n" + DIR + """
describe('__ID__ sandboxed hook', () => {
\tlet harness«: TestHarness | undefined»;
\tafterEach(async () => harness?.dispose());

\tit('adds a slug in the filter and logs in the action', async () => {
\t\tharness = await createTestHarness({ dir });
\t\texpect(harness.engine).toBe('process'); // the real sandbox, in a worker process
\t\tconst payload = await harness.filter('articles.items.create', { title: 'Hello World' }, { collection: 'articles' });
\t\texpect(payload).toEqual({ title: 'Hello World', slug: 'hello-world' });

\t\tawait harness.action('articles.items.create', { key: 7, collection: 'articles' });
\t\texpect(harness.logs.map((l) => l.message)).toContain('article 7 created');
\t}, 30_000);
});
""",
}

templates['endpoint'] = {
 'src/index.EXT': """import { defineEndpoint } from '@annex/sdk-extension';

// Mounted at /__NAME_MOUNT__ (the package name).
export default defineEndpoint((router, { services }) => {
\tconst { ItemsService } = services;

\trouter.get('/', (_req, res) => {
\t\tres.json({ hello: '__ID__' });
\t});

\trouter.get('/articles/:id', async (req, res, next) => {
\t\ttry {
\t\t\tconst articles = new ItemsService('articles', { schema: req.schema, accountability: req.accountability });
\t\t\tres.json({ data: await articles.readOne(req.params.id«!») });
\t\t} catch (error) {
\t\t\tnext(error);
\t\t}
\t});
});
""",
 'test/extension.test.EXT': HEAD + HARNESS + "\n" + DIR + """
describe('__ID__ endpoint', () => {
\tlet harness«: TestHarness | undefined»;
\tafterEach(async () => harness?.dispose());

\tit('answers on its root and reads articles', async () => {
\t\tharness = await createTestHarness({ dir, items: { articles: [{ id: 1, title: 'First' }] } });

\t\tconst root = await harness.request('GET', '/');
\t\texpect(root.status).toBe(200);
\t\texpect(root.body).toEqual({ hello: '__ID__' });

\t\tconst article = await harness.request('GET', '/articles/1');
\t\texpect(article.body).toEqual({ data: { id: 1, title: 'First' } });

\t\tconst missing = await harness.request('GET', '/articles/2');
\t\texpect(missing.status).toBe(403);
\t}, 30_000);
});
""",
}

templates['endpoint-sandbox'] = {
 'src/index.EXT': """import { log } from 'directus:api';
import { defineSandboxEndpoint } from '@annex/sdk-extension';

// Runs in the sandbox: handlers get plain request data and return {status, headers?, body}.
export default defineSandboxEndpoint((router) => {
\trouter.get('/', () => ({ status: 200, body: { hello: '__ID__' } }));

\trouter.post('/echo', (req) => {
\t\tlog(`echo from ${req.accountability?.user ?? 'anonymous'}`);
\t\treturn { status: 201, headers: { 'x-echo': 'yes' }, body: req.body };
\t});
});
""",
 'test/extension.test.EXT': HEAD + HARNESS + "\n" + DIR + """
describe('__ID__ sandboxed endpoint', () => {
\tlet harness«: TestHarness | undefined»;
\tafterEach(async () => harness?.dispose());

\tit('answers GET / and echoes POST bodies', async () => {
\t\tharness = await createTestHarness({ dir });
\t\texpect(harness.engine).toBe('process'); // the real sandbox, in a worker process

\t\tconst root = await harness.request('GET', '/');
\t\texpect(root).toMatchObject({ status: 200, body: { hello: '__ID__' } });

\t\tconst echo = await harness.request('POST', '/echo', { body: { a: 1 } });
\t\texpect(echo).toMatchObject({ status: 201, headers: { 'x-echo': 'yes' }, body: { a: 1 } });
\t\texpect(harness.logs).toHaveLength(1);
\t}, 30_000);
});
""",
}

OP_APP = """import { defineOperationApp } from '@annex/sdk-extension';

«type Options = { text?: string; uppercase?: boolean };

»export default defineOperationApp«<Options>»({
\tid: '__ID__',
\tname: '__TITLE__',
\ticon: 'text_fields',
\tdescription: 'Transforms a text',
\toverview: ({ text, uppercase }«: Options») => [
\t\t{ label: 'Text', text: String(text ?? '') },
\t\t{ label: 'Uppercase', text: uppercase ? 'yes' : 'no' },
\t],
\toptions: [
\t\t{ field: 'text', name: 'Text', type: 'string', meta: { width: 'full', interface: 'input' } },
\t\t{ field: 'uppercase', name: 'Uppercase', type: 'boolean', meta: { width: 'half', interface: 'boolean' } },
\t],
});
"""

def op_test(sandboxed):
    return (HEAD + "import { createTestHarness, loadAppExtension« , type TestHarness» } from '@annex/sdk-extension/testing';\n\n" + DIR + f"""
describe('__ID__ {'sandboxed ' if sandboxed else ''}operation', () => {{
\tlet harness«: TestHarness | undefined»;
\tafterEach(async () => harness?.dispose());

\tit('transforms the text it is given', async () => {{
\t\tharness = await createTestHarness({{ dir }});
\t\texpect(harness.engine).toBe('{'process' if sandboxed else 'trusted'}');
\t\tconst result = await harness.operation({{ text: 'hello', uppercase: true }}, {{ data: {{ $trigger: {{}} }} }});
\t\texpect(result).toEqual({{ text: 'HELLO', length: 5 }});
\t}}, 30_000);

\tit('exports the app half', async () => {{
\t\tconst {{ config }} = await loadAppExtension({{ dir }});
\t\texpect(config?.id).toBe('__ID__');
\t\texpect(config?.options).toHaveLength(2);
\t}}, 30_000);
}});
""")

templates['operation'] = {
 'src/app.EXT': OP_APP,
 'src/api.EXT': """import { defineOperationApi } from '@annex/sdk-extension';

«type Options = { text?: string; uppercase?: boolean };

»export default defineOperationApi«<Options>»({
\tid: '__ID__',
\thandler: ({ text = '', uppercase = false }, { logger }) => {
\t\tlogger.info(`transforming ${text.length} characters`);
\t\treturn { text: uppercase ? text.toUpperCase() : text, length: text.length };
\t},
});
""",
 'test/extension.test.EXT': op_test(False),
}

templates['operation-sandbox'] = {
 'src/app.EXT': OP_APP,
 'src/api.EXT': """import { log } from 'directus:api';
import { defineSandboxOperation } from '@annex/sdk-extension';

«type Options = { text?: string; uppercase?: boolean };

»export default defineSandboxOperation«<Options>»({
\tid: '__ID__',
\thandler: ({ text = '', uppercase = false }) => {
\t\tlog(`transforming ${text.length} characters`);
\t\treturn { text: uppercase ? text.toUpperCase() : text, length: text.length };
\t},
});
""",
 'test/extension.test.EXT': op_test(True),
}

templates['bundle'] = {
 'src/hello/index.EXT': """import { defineEndpoint } from '@annex/sdk-extension';

// Mounted at /hello (the entry name).
export default defineEndpoint((router) => {
\trouter.get('/', (_req, res) => {
\t\tres.json({ hello: '__ID__' });
\t});
});
""",
 'src/shout/index.EXT': """import { defineDisplay } from '@annex/sdk-extension';
import DisplayComponent from './display.vue';

export default defineDisplay({
\tid: '__ID__-shout',
\tname: 'Shout',
\ticon: 'format_size',
\tcomponent: DisplayComponent,
\thandler: (value) => (value === null || value === undefined ? null : String(value).toUpperCase()),
\toptions: null,
\ttypes: ['string'],
});
""",
 'src/shout/display.vue': COMPONENT(' lang="ts"', "\t<span>{{ value === null ? '—' : String(value).toUpperCase() }}</span>\n", "defineProps({ value: { type: null, default: null } });\n"),
 'test/extension.test.EXT': HEAD + "import { createTestHarness, loadAppExtension« , type TestHarness» } from '@annex/sdk-extension/testing';\n\n" + DIR + """
describe('__ID__ bundle', () => {
\tlet harness«: TestHarness | undefined»;
\tafterEach(async () => harness?.dispose());

\tit('mounts the hello endpoint entry', async () => {
\t\tharness = await createTestHarness({ dir });
\t\tconst res = await harness.request('GET', '/hello');
\t\texpect(res).toMatchObject({ status: 200, body: { hello: '__ID__' } });
\t}, 30_000);

\tit('exports the shout display entry', async () => {
\t\tconst { exports } = await loadAppExtension({ dir });
\t\tconst displays = exports.displays« as { id: string }[]»;
\t\texpect(displays.map((d) => d.id)).toEqual(['__ID__-shout']);
\t}, 30_000);
});
""",
}

if os.path.isdir(ROOT):
    for name in os.listdir(ROOT):
        if name != 'common':
            shutil.rmtree(os.path.join(ROOT, name))
for variant, files in templates.items():
    emit(variant, files)
print('ok', len(templates))
