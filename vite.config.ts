import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { SERVICE_WORKER_FILE, serviceWorkerPlugin } from './vite/serviceWorkerPlugin.ts';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
// Deployments must send the same two headers.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// A strict policy for the built app: no inline script, no eval (wasm compilation only), no request
// leaves the origin. The dev server is left without it because React's refresh preamble is inline.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'hybrid-lab-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

// Lets tfjs-backend-wasm's threaded build run from a bundle. Its pthread workers load
// `var WasmBackendModuleThreadedSimd = ` + factory.toString(): the factory's source without its
// closure. The factory reads one closure variable, `_scriptDir`, behind a typeof guard that the
// minifier drops after renaming it, so each pthread worker died with "ReferenceError: e is not
// defined". In a browser `_scriptDir` is always undefined there and tfjs always passes
// mainScriptUrlOrBlob, so both uses can go and the factory no longer needs its closure.
function tfjsWasmThreads(): Plugin {
  const factory = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
  const uses: [string, string][] = [
    ['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
    ['Module["mainScriptUrlOrBlob"]||_scriptDir', 'Module["mainScriptUrlOrBlob"]'],
  ];
  return {
    name: 'hybrid-lab-tfjs-wasm-threads',
    transform(code, id) {
      if (!factory.test(id.split('?')[0])) return null;
      // Fail the build rather than ship a bundle whose threads silently break again.
      for (const [from] of uses) if (!code.includes(from)) throw new Error(`tfjs-backend-wasm changed: ${from} not found`);
      return { code: uses.reduce((out, [from, to]) => out.split(from).join(to), code), map: null };
    },
  };
}

export default defineConfig({
  // Relative asset paths: the build runs from any path of any static host (README "Deploy").
  base: './',
  plugins: [react(), contentSecurityPolicy(), serviceWorkerPlugin('README.md')],
  // tfjs lives in the workers; the plugin makes its threaded wasm build survive bundling.
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // bench.html is the benchmark page scripts/bench.mjs drives; it shares the app's worker code.
    // views-bench.html times the embedding view's pan with 10,000 points (scripts/bench-views.mjs).
    // gpu-checks.html runs the fused WebGPU kernels against their references (e2e/kernels.spec.ts).
    // The service worker (src/offline/serviceWorker.ts) is built to sw.js at the root, so that its scope
    // is the whole app.
    rolldownOptions: {
      input: {
        main: 'index.html',
        bench: 'bench.html',
        viewsBench: 'views-bench.html',
        gpuChecks: 'gpu-checks.html',
        sw: 'src/offline/serviceWorker.ts',
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? SERVICE_WORKER_FILE : 'assets/[name]-[hash].js') },
    },
  },
});
