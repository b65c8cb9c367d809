import { defineConfig } from "vite";

// Built files go to ui/dist, which src-tauri/tauri.conf.json embeds (frontendDist).
export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, target: "es2021" },
});
