/**
 * Installed in the page before the app's scripts (`addInitScript`), as plain
 * JavaScript so no TypeScript transform touches it. `untilRows` resolves with
 * `performance.now()` once the databases table holds `count` rows starting at
 * `firstName`, no load is in flight, and a frame has been painted since.
 */
export const pageProbeScript = `
window.__dbaasBench = {
  rows: function () {
    return document.querySelectorAll('tbody tr a[href^="/catalog/"]');
  },
  untilRows: function (count, firstName, timeoutMs) {
    var probe = this;
    return new Promise(function (resolve, reject) {
      var settled = false;
      var observer = new MutationObserver(check);
      var timer = setTimeout(function () {
        if (settled) return;
        settled = true;
        observer.disconnect();
        var rows = probe.rows();
        reject(new Error('timed out waiting for ' + count + ' rows from ' + firstName +
          '; saw ' + rows.length + (rows.length ? ' from ' + rows[0].textContent : '')));
      }, timeoutMs || 60000);
      function check() {
        if (settled) return;
        var rows = probe.rows();
        if (rows.length !== count || rows[0].textContent !== firstName) return;
        if (document.querySelector('[aria-label="Loading databases"]')) return;
        settled = true;
        observer.disconnect();
        clearTimeout(timer);
        // The rows are in the DOM; after the next frame they are on screen.
        requestAnimationFrame(function () {
          setTimeout(function () { resolve(performance.now()); }, 0);
        });
      }
      observer.observe(document.body, {
        childList: true, subtree: true, characterData: true, attributes: true,
      });
      check();
    });
  },
  /**
   * The databases table's own pagination button: the quota table above it
   * pages too, with buttons of the same name.
   */
  tableButton: function (label) {
    var rows = this.rows();
    var table = rows.length ? rows[0].closest('.MuiPaper-root') : null;
    return table ? table.querySelector('button[aria-label="' + label + '"]') : null;
  },
  /**
   * Clicks the element (a CSS selector, or "table:<label>" for tableButton),
   * then waits as untilRows; the time in between, in ms.
   */
  clickUntilRows: function (target, count, firstName) {
    var element = target.indexOf('table:') === 0
      ? this.tableButton(target.slice(6))
      : document.querySelector(target);
    if (!element) return Promise.reject(new Error('nothing matches ' + target));
    var start = performance.now();
    element.click();
    return this.untilRows(count, firstName).then(function (end) {
      return end - start;
    });
  },
};
`;
