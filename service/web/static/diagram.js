// Draw the application's diagram with bpmn-js and highlight completed and current steps.
(function () {
  "use strict";
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
