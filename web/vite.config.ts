import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs: the build runs from any path of any static host.
  base: './',
  // One React for the app and @lockbox/react, however the packages are linked (npm workspaces here).
  resolve: { dedupe: ['react', 'react-dom'] },
  // `npm run dev`: the app's settings come from the local system that `npm start` runs (its default port;
  // LOCKBOX_URL names another), asked with its own Host, as it answers no other.
  server: {
    proxy: {
      '/config.json': { target: process.env.LOCKBOX_URL ?? 'http://127.0.0.1:4280', changeOrigin: true },
    },
  },
});
