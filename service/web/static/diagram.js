// Draw the application's diagram with bpmn-js and highlight completed and current steps.
// On load the diagram fits its box; when fitting would make it unreadable (a task narrower than
// READABLE x its drawn size) it is shown at READABLE scale instead, centred on the current step(s).
(function () {
  "use strict";
  var READABLE = 0.8;

  function centreOnActive(canvas, registry, active) {
    var elements = active.map(function (id) { return registry.get(id); })
      .filter(function (el) { return el && el.width !== undefined; });
    if (!elements.length) { return; }
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    elements.forEach(function (el) {
      x1 = Math.min(x1, el.x); y1 = Math.min(y1, el.y);
      x2 = Math.max(x2, el.x + el.width); y2 = Math.max(y2, el.y + el.height);
    });
    var view = canvas.viewbox();
    var scale = Math.max(view.scale, READABLE);
    var width = view.outer.width / scale, height = view.outer.height / scale;
    canvas.viewbox({
      x: (x1 + x2) / 2 - width / 2, y: (y1 + y2) / 2 - height / 2, width: width, height: height
    });
  }
  var container = document.getElementById("diagram");
  var data = JSON.parse(document.getElementById("diagram-data").textContent);
  var viewer = new BpmnJS({ container: container });
  fetch(data.xml, { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      canvas.zoom("fit-viewport");
      data.completed.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "done"); } });
      data.active.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "current"); } });
      centreOnActive(canvas, registry, data.active);
      viewer.get("eventBus").on("element.click", function (event) {
        var bo = event.element.businessObject;
        if (bo && bo.$type === "bpmn:CallActivity" && data.called[bo.calledElement]) {
          window.location.href = data.called[bo.calledElement];
        }
      });
      container.setAttribute("data-rendered", "true");
    })
    .catch(function (error) {
      container.setAttribute("data-rendered", "failed");
      container.textContent = String(error);
    });
})();
