export {
  createSourcesBundler,
  renderIndex,
  buildChunk,
  groupEntries,
  SHARED_DEPS,
  SHARED_BASE,
  SOURCES_BASE,
  type SourcesBundler,
  type SourcesBundlerOptions,
  type Manifest,
  type ChunkInfo,
} from './bundler.js';
export { pickConfigs } from './pick.js';
export { vueSfcPlugin, injectCss } from './sfc-plugin.js';
