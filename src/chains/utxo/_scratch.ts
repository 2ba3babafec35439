import pino from 'pino';
import type { WatcherLogger } from './watcher.js';
const l = pino();
export const w: WatcherLogger = l.child({ watcher: 'LTC' });
