/* CSE viewing timer. The server records every start, break, resume and stop, so the count stays
   right whatever the browser does; this script only shows the running time and prompts breaks.
   Times are differences of Date.now(), so a throttled background tab catches up on its next tick. */
(function () {
  "use strict";
  var source = document.getElementById("viewing-state");
  var text = document.getElementById("viewing-text");
  if (!source || !text) { return; }
  var state = JSON.parse(source.textContent);
  var status = document.getElementById("viewing-status");
  var prompt = document.getElementById("viewing-prompt");
  var today = document.getElementById("viewing-today");
  var notifyButton = document.getElementById("viewing-notify");
  var loadedAt = Date.now();
  var baseTitle = document.title;
  var prompted = {};

  function fill(template, values) {
    return template.replace(/\{(\w)\}/g, function (_, key) { return values[key]; });
  }
  function minutes(seconds) { return Math.floor(seconds / 60); }

  function notify(message) {
    if (document.hidden && window.Notification && Notification.permission === "granted") {
      new Notification(text.dataset.title, { body: message });
    }
  }
  function showPrompt(key, message) {
    if (prompted[key]) { return; }
    prompted[key] = true;
    prompt.textContent = message;
    prompt.hidden = false;
    document.title = text.dataset.title + " – " + baseTitle;
    notify(message);
  }

  function tick() {
    var elapsed = Math.floor((Date.now() - loadedAt) / 1000);
    var session = state.session;
    var todaySeconds = state.today_seconds + (session && session.state === "viewing" ? elapsed : 0);
    today.textContent = fill(text.dataset.today, { m: minutes(todaySeconds), l: minutes(state.daily_limit_seconds) });
    if (!session) { return; }
    var segment = session.segment_seconds + elapsed;
    if (session.state === "viewing") {
      status.textContent = fill(text.dataset.viewing, { m: minutes(session.viewed_seconds + elapsed), n: minutes(segment) });
      if (segment >= state.view_seconds) {
        showPrompt("break", fill(text.dataset.breakDue, { m: minutes(segment), b: minutes(state.break_seconds) }));
      }
      if (todaySeconds >= state.daily_limit_seconds) { showPrompt("limit", text.dataset.limit); }
    } else if (session.state === "on_break") {
      status.textContent = fill(text.dataset.break, { m: minutes(segment) });
      if (segment >= state.break_seconds) { showPrompt("over", text.dataset.breakOver); }
    }
  }

  if (notifyButton && window.Notification && Notification.permission === "default") {
    notifyButton.hidden = false;
    notifyButton.addEventListener("click", function () {
      Notification.requestPermission().then(function () { notifyButton.hidden = true; });
    });
  }
  document.addEventListener("visibilitychange", tick);
  tick();
  window.setInterval(tick, 15000);
}());
