// SPDX-License-Identifier: Apache-2.0
// Vite build of the Panshi console into web/dist, served by `panshi serve`.
// `npm run dev` proxies /api to PANSHI_API (default http://127.0.0.1:8443).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // the CSP is default-src 'self': no inline module-preload polyfill
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: { echarts: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'] },
      },
    },
  },
  server: {
    proxy: { '/api': process.env.PANSHI_API || 'http://127.0.0.1:8443' },
  },
})
