// Engagements per year and type: a stacked bar chart from the JSON embedded in the page.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const datasets = Object.keys(data.counts).map((type, i) => ({
    label: type, data: data.counts[type], backgroundColor: palette[i % palette.length],
  }));
  new Chart(document.getElementById("per-year"), {
    type: "bar",
    data: { labels: data.years, datasets: datasets },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
