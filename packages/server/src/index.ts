export * from './app.js';
export * from './auth.js';
export * from './config.js';
export * from './errors.js';
export * from './metrics.js';
export * from './server.js';
export * from './stores.js';
export * from './web.js';
