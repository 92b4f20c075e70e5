// The front page: YASGUI on this server's /sparql, preloaded with the named queries.
// Nothing here talks to any other host: the completers that call public services are off.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("dckg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var examples = {};
  config.examples.forEach(function (e) { examples[e.name] = e; });
  var first = config.examples[0];

  // Forms: leave empty fields out (they mean "the default"), and say "false" for a
  // checkbox unticked against a default of true.
  document.querySelectorAll("form.query").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input").forEach(function (input) {
        if (input.type === "checkbox") {
          if (!input.checked && input.dataset.default === "true") {
            var off = document.createElement("input");
            off.type = "hidden"; off.name = input.name; off.value = "false";
            off.className = "added"; form.appendChild(off);
          }
          input.disabled = !input.checked;
        } else if (input.value === "") {
          input.disabled = true;
        }
      });
      // Back to normal when the user comes back to the page.
      window.setTimeout(function () {
        form.querySelectorAll("input").forEach(function (input) { input.disabled = false; });
        form.querySelectorAll("input.added").forEach(function (input) { input.remove(); });
      }, 0);
    });
  });

  // IRIs of the graph in the results open here, not at w3id.org: rewrite a link to its
  // local page as soon as a pointer or the keyboard reaches it.
  function localise(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link) { return; }
    var href = link.getAttribute("href");
    config.local.forEach(function (pair) {
      if (href.indexOf(pair[0]) === 0) {
        link.setAttribute("href", pair[1] + href.slice(pair[0].length));
        link.removeAttribute("target");
      }
    });
  }
  ["pointerdown", "focusin", "mouseover"].forEach(function (type) {
    document.addEventListener(type, localise, true);
  });

  var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  var container = document.getElementById("yasgui");
  if (!Yasgui || !container) { return; }
  // Only local completers: prefixes (a list in the bundle) and variables of the query.
  // The class and property completers ask a public vocabulary service: never.
  var local = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.autocompleters = local.slice();
  Yasgui.defaults.yasqe.autocompleters = local.slice();

  var yasgui = new Yasgui(container, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "dckg-yasgui",
    populateFromUrl: true,
    yasqe: first ? { value: first.text } : {},
  });
  window.dckgYasgui = yasgui;

  function open(name) {
    var example = examples[name];
    if (!example) { return; }
    var tab = yasgui.addTab(true, {
      name: example.name,
      yasqe: { value: example.text },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
    tab.show();
    tab.setQuery(example.text);
    container.scrollIntoView({ behavior: "smooth" });
  }

  var select = document.getElementById("example");
  document.getElementById("example-open").addEventListener("click", function () {
    open(select.value);
  });
  select.addEventListener("change", function () {
    var tab = yasgui.getTab();
    var example = examples[select.value];
    if (tab && example) {
      tab.setQuery(example.text);
      tab.setName(example.name);
    }
  });
  document.querySelectorAll("button.to-editor").forEach(function (button) {
    button.addEventListener("click", function () { open(button.dataset.query); });
  });
})();
