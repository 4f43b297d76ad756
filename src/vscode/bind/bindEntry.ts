// Entry of the separate bundle dist/bind.js (esbuild.js `bind`): the bind analysis with its YAML,
// JSONC and TOML parsers loads on the first analysis or hover, not when the extension activates.
export { BindAnalysis, SKIPPED_DIRS } from '../../engine/bind/analyze';
export { isCandidate, MAX_CONFIG_BYTES } from '../../engine/bind/formats';
export { hoverAt } from '../../engine/bind/hover';
export { listListeners, localInterfaces } from '../../engine/bind/live';
