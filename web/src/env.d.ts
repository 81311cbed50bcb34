// SPDX-License-Identifier: Apache-2.0
// Type declarations for Vite and single-file Vue components.
/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
