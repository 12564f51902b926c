// Who met whom: vis-network graph from the JSON embedded in the page; edge width = number of events.
(function () {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const colours = {};
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
  const colour = (c) => colours[c || "?"] || (colours[c || "?"] = palette[Object.keys(colours).length % palette.length]);
  const nodes = new vis.DataSet(data.nodes.map((n) => ({
    id: n.id, label: n.label, title: `${n.label} (${n.country || "?"}): ${n.events} events`,
    value: n.events, color: colour(n.country),
  })));
  const edges = new vis.DataSet(data.edges.map((e, i) => ({
    id: i, from: e.source, to: e.target, value: e.weight, title: `${e.weight} events`,
  })));
  const network = new vis.Network(document.getElementById("graph"), { nodes, edges }, {
    nodes: { shape: "dot", scaling: { min: 8, max: 30 }, font: { size: 14 } },
    edges: { scaling: { min: 1, max: 8 }, color: { opacity: 0.6 } },
    physics: { stabilization: { iterations: 200 } },
  });
  network.on("doubleClick", (p) => {
    if (data.mode === "persons" && p.nodes.length && !String(p.nodes[0]).startsWith("name:")) {
      window.location.href = "/persons/" + encodeURIComponent(p.nodes[0]);
    } else if (data.mode === "countries" && p.edges.length) {
      const e = edges.get(p.edges[0]);
      window.location.href = "/pair/" + e.from + "-" + e.to;
    }
  });
  network.once("stabilizationIterationsDone", () => document.getElementById("graph").setAttribute("data-ready", "1"));
})();
