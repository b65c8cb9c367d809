import { defineConfig } from "vitest/config";

// Unit tests only; the browser suite (tests/e2e) runs under node --test with Playwright.
export default defineConfig({
  test: { include: ["tests/unit/**/*.test.ts"], reporters: ["default"] },
});
