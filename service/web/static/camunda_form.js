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
  if ((document.documentElement.lang || "").indexOf("zh") === 0) { translate(container); }
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

  // form-js 1.x speaks English only: its messages and placeholders are put into Chinese as they appear
  function translate(root) {
    var rules = [
      [/^Field is required\.$/, "此项为必填项。"],
      [/^Field must have minimum length of (\d+)\.$/, "至少填写 $1 个字符。"],
      [/^Field must have maximum length of (\d+)\.$/, "最多填写 $1 个字符。"],
      [/^Field must have minimum value of (.+)\.$/, "不能小于 $1。"],
      [/^Field must have maximum value of (.+)\.$/, "不能大于 $1。"],
      [/^Field must match pattern (.+)\.$/, "格式不符合要求（$1）。"],
      [/^Field must be a valid email\.$/, "请填写有效的电子邮箱。"],
      [/^Field must be a valid +international phone number.*$/, "请填写有效的国际电话号码（如 +8653285911234）。"],
      [/^Select$/, "请选择"], [/^Search$/, "搜索"], [/^mm\/dd\/yyyy$/, "年/月/日"], [/^hh:mm$/, "时:分"]
    ];
    function put(text) {
      for (var i = 0; i < rules.length; i++) {
        if (rules[i][0].test(text)) { return text.replace(rules[i][0], rules[i][1]); }
      }
      return null;
    }
    function walk(node) {
      if (node.nodeType === 3) {
        var done = put(node.nodeValue.trim());
        if (done !== null) { node.nodeValue = done; }
        return;
      }
      if (node.nodeType !== 1) { return; }
      var placeholder = node.getAttribute("placeholder");
      var shown = placeholder && put(placeholder);
      if (shown) { node.setAttribute("placeholder", shown); }
      for (var c = node.firstChild; c; c = c.nextSibling) { walk(c); }
    }
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "characterData") { walk(change.target); }
        change.addedNodes.forEach(walk);
      });
    }).observe(root, { childList: true, subtree: true, characterData: true });
  }
})();
