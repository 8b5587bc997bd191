// Tabs (WAI-ARIA tabs pattern): a click or the arrow keys, Home and End select a tab and show
// its panel (the tab's aria-controls); only the selected tab is in the tab order.

/** Wire the [role=tab] buttons of `tablist`; returns select(index, focus). */
export function initTabs(tablist) {
  const tabs = [...tablist.querySelectorAll("[role=tab]")];
  let current = Math.max(0, tabs.findIndex((tab) => tab.getAttribute("aria-selected") === "true"));
  const select = (index, focus = false) => {
    current = index;
    tabs.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
      if (on && focus) tab.focus();
    });
  };
  tabs.forEach((tab, i) => tab.addEventListener("click", () => select(i)));
  tablist.addEventListener("keydown", (e) => {
    const n = tabs.length;
    let next = null;
    if (e.key === "ArrowRight") next = (current + 1) % n;
    else if (e.key === "ArrowLeft") next = (current - 1 + n) % n;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = n - 1;
    if (next !== null) {
      e.preventDefault();
      select(next, true);
    }
  });
  return select;
}
