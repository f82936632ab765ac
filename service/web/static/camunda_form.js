// Render the task's Camunda Form (or generated form) with form-js, prefilled from the variables; on
// "complete" put its values into the page form's hidden field, or keep the page when form-js refuses.
(function () {
  "use strict";
  var container = document.getElementById("camunda-form");
  if (!container) { return; }
  var schema = JSON.parse(document.getElementById(container.dataset.schema).textContent);
  var values = JSON.parse(document.getElementById(container.dataset.values).textContent);
  var hidden = document.getElementById("camunda-form-data");
  var page = container.closest("form");
  var form = new FormViewer.Form({ container: container, debounce: false })  // values current on submit;
  form.importSchema(schema, values)
    .then(function () { container.setAttribute("data-rendered", "true"); })
    .catch(function (error) {
      container.setAttribute("data-rendered", "failed");
      container.textContent = String(error);
    });
  page.addEventListener("submit", function (event) {
    var action = event.submitter ? event.submitter.value : "complete";
    var result = form.submit();
    hidden.value = JSON.stringify(result.data || {});
    if (action === "complete" && result.errors && Object.keys(result.errors).length) {
      event.preventDefault();  // form-js shows each field's error beside it; the server checks again
      container.setAttribute("data-refused", Object.keys(result.errors).join(" "));
    }
  });
})();
