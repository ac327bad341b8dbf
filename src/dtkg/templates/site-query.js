/* dtkg query editor: YASGUI over the read-only endpoint, one tab per saved query. Nothing is stored between
   visits (no persistence), and the endpoint is the only address the page's policy lets it reach. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("dtkg-queries").textContent);
  config.endpoint = new URL(config.endpoint, window.location.href).href;  // "/sparql": the page's own server
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "prefixes" && name !== "property" && name !== "class";  // these ask web services
  });
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } }
  });
  var first = null;
  config.queries.forEach(function (q, i) {
    var tab = yasgui.addTab(i === 0, { name: q.name, yasqe: { value: q.text },
                                       requestConfig: { endpoint: config.endpoint } });
    if (!first) { first = tab; }
  });
  Object.keys(yasgui._tabs || {}).forEach(function (id) {
    var tab = yasgui.getTab(id);
    if (tab && config.queries.every(function (q) { return q.name !== tab.getName(); })) { tab.close(); }
  });
  window.dtkgQuery = { ready: true, yasgui: yasgui };
}());
