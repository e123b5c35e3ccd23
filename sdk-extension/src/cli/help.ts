/** The help texts are the CLI's specification. */
export const MAIN_HELP = `Usage: annex-extension <command> [options]
       (also installed as directus-extension)

Build, test and ship Annex (Directus-compatible) extensions.

Commands:
  build              Build the extension with esbuild (Vue SFCs compiled inside it; rollup on request)
  dev                Watch the sources and rebuild incrementally, in place
  validate           Check the manifest, the built files, README and license
  link <path>        Symlink this extension into a host's extensions folder
  add                Add an entry to a bundle (turning a single extension into a bundle first)
  pack               Write an npm-compatible tarball of this extension
  publish            Publish this extension to an Annex marketplace
  test               Run this extension's tests with vitest

Options:
  -h, --help         Show help; \`annex-extension <command> --help\` for a command
  -v, --version      Print the SDK version

Exit codes: 0 success, 1 failure (build errors, failed checks, rejected publish), 2 usage error.
Environment: NO_COLOR disables colours.
`;

export const HELP: Record<string, string> = {
  build: `Usage: annex-extension build [options]

Builds the extension described by the "directus:extension" field of package.json.
  API code (hook, endpoint, the api half of operations and bundles): esbuild, one module.
    Format: ESM when package.json has "type": "module" (or the output ends in .mjs), else CJS.
    Sandboxed extensions ("sandbox": {"enabled": true}) are always ESM with every dependency
    bundled except directus:api / annex:api; node built-ins, native .node modules, __dirname,
    __filename and unbundlable require() are build errors reported as file:line:column.
  App code (interface, display, layout, module, panel, theme, the app half of operations and
    bundles): esbuild with Vue single-file components compiled in the same pass, always ESM;
    vue, vue-router, vue-i18n, pinia and @directus/extensions-sdk stay external (the admin app
    provides them), CSS is injected. rollup builds app code instead with --bundler rollup, or
    when extension.config.js (as in Directus) lists rollup "plugins".
  Bundles build one app and one api entrypoint exporting every entry.

Options:
  -t, --type <type>      Extension type; with -i and -o, builds without reading the manifest
  -i, --input <file>     Entry file (JSON {"app","api"} for operation, JSON entries for bundle)
  -o, --output <file>    Output file (JSON {"app","api"} for operation and bundle)
  -w, --watch            Rebuild on change (same as \`dev\`)
      --no-minify        Do not minify the output
      --sourcemap        Write source maps (.map beside the output; always on for sandboxed code)
      --bundler <name>   App code bundler: esbuild (default) or rollup
      --json             Print the result and diagnostics as JSON on stdout
  -h, --help             Show this help

Exit codes: 0 built, 1 build or manifest errors, 2 usage error.
`,
  dev: `Usage: annex-extension dev [options]

Builds once, then watches the sources (OS file events) and rebuilds incrementally with an esbuild
context per target (rollup's watch mode for app code built with rollup). Outputs are rewritten in place, so a host with EXTENSIONS_AUTO_RELOAD
(or a linked folder) hot-reloads the extension. Prints each rebuild and its time. Stop with Ctrl-C.

Options:
      --minify           Minify (off by default in dev)
      --no-sourcemap     Do not write source maps (on by default in dev)
      --bundler <name>   App code bundler: esbuild (default) or rollup
      --json             One JSON line per rebuild on stdout
  -h, --help             Show this help

Exit codes: 1 when the manifest cannot be read, 2 usage error; otherwise runs until interrupted.
`,
  validate: `Usage: annex-extension validate [options]

Checks the extension, awaiting every check:
  readme           a README file exists
  license          package.json has a license
  directus-config  the manifest is valid (messages name the field), host is a valid semver range
  built-code       every "path" exists; sandboxed builds import nothing but directus:api

Options:
  -c, --check <name>     Run only this check (repeatable)
  -v, --verbose          Print every check, not only failures
      --json             Print the report as JSON on stdout
  -h, --help             Show this help

Exit codes: 0 all checks passed (warnings allowed), 1 a check failed, 2 usage error.
`,
  link: `Usage: annex-extension link <extensions-path> [options]

Symlinks this extension folder into <extensions-path>/<package name with "/" replaced by "-">
(the host's EXTENSIONS_PATH). An existing link is replaced; an existing real folder is an error.

Options:
      --json             Print the result as JSON
  -h, --help             Show this help

Exit codes: 0 linked, 1 failure, 2 usage error.
`,
  add: `Usage: annex-extension add --type <type> --name <name> [options]

Adds an entry to this bundle. On a single extension, first turns it into a bundle: its sources
move to src/<convert-name>/ and the manifest becomes {"type": "bundle", "entries": [...]}.
Without flags on a terminal it asks; without a terminal every value must be a flag.

Options:
      --type <type>          interface, display, layout, module, panel, theme, hook, endpoint, operation
      --name <name>          Entry name (lowercase letters, digits, - and _)
      --language <ts|js>     Language of the new entry (default: ts when tsconfig.json exists)
      --convert-name <name>  Entry name for the existing extension when converting (default: its type)
      --json                 Print the result as JSON
  -h, --help                 Show this help

Exit codes: 0 added, 1 failure, 2 usage error or missing flag without a terminal.
`,
  pack: `Usage: annex-extension pack [options]

Writes <name>-<version>.tgz like \`npm pack\`: gzip tar with a package/ prefix, the files listed in
"files" (or everything not ignored by .npmignore/.gitignore) plus package.json, README and
LICENSE; node_modules, .git and links are never included. Prints the integrity (sha512).

Options:
      --pack-destination <dir>  Where to write the tarball (default: the extension folder)
      --dry-run                 List the files without writing
      --json                    Print the result as JSON
  -h, --help                    Show this help

Exit codes: 0 packed, 1 failure, 2 usage error.
`,
  publish: `Usage: annex-extension publish [options]

Packs the extension and publishes it to an Annex marketplace with the npm registry protocol
(PUT /<package> with the tarball attached, dist.integrity sha512, bearer token).

Options:
      --registry <url>   Marketplace URL (default: $ANNEX_MARKETPLACE_URL)
      --token <token>    Publish token (default: $ANNEX_MARKETPLACE_TOKEN)
      --tag <tag>        dist-tag (default: latest)
      --dry-run          Pack and show what would be published, send nothing
      --json             Print the result as JSON
  -h, --help             Show this help

Exit codes: 0 published, 1 rejected or unreachable registry, 2 usage error (e.g. no registry).
`,
  test: `Usage: annex-extension test [options] [-- <vitest args>]

Runs this extension's tests with the vitest installed in the project (\`vitest run\`). Tests use
the harness from @annex/sdk-extension/testing, which loads the built extension into the real
sandbox (in a worker process, so no Node flags are needed) or in-process for trusted code.

Options:
  -w, --watch            Keep vitest watching
  -h, --help             Show this help
Anything after the options (or after --) is passed to vitest.

Exit codes: vitest's exit code; 1 when vitest is not installed.
`,
};
