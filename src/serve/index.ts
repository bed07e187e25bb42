/**
 * The live dashboard (`hwnas serve`): a read-only HTTP server over a folder of studies and open searches,
 * its pages built in the browser from JSON (web/), updated through server-sent events.
 */
export { type ArchDetail, archDetail, archOnnx } from './arch.js';
export { HistoryTail } from './history-tail.js';
export { CSP, pageHtml } from './pages.js';
export { resolveInside } from './safe-path.js';
export { type ServedFolder, scanFolders } from './scan.js';
export { Dashboard, isLoopback, type RunningServer, type ServeOptions, startServer } from './server.js';
export { openSnapshot, storeSignature } from './snapshot.js';
export { openStatus, type RunStatus, studyStatus } from './status.js';
export { studySummary, studyView, thin } from './study-view.js';
