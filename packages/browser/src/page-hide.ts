/**
 * Calls `callback` when the page may be going away: `visibilitychange` to hidden (the last
 * event reliably fired on mobile, where `pagehide` may never come) and `pagehide` (navigation,
 * closing, bfcache). Both usually fire; the second call finds the queues empty.
 * Returns the uninstaller.
 */
export function onPageHide(win: Window, callback: () => void): () => void {
  const onVisibility = () => {
    if (win.document.visibilityState === 'hidden') callback();
  };
  win.document.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('pagehide', callback);
  return () => {
    win.document.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('pagehide', callback);
  };
}
