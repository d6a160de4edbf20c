// Renders /api/openapi.json: operations grouped by tag, with auth, parameters, request body
// and responses. Plain DOM (no framework, no CDN): the API must document itself offline.
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
const json = (value) => el('pre', {}, JSON.stringify(value, null, 2));
/** Descriptions use `backticks` for code, as in Markdown. */
const prose = (text) => String(text).split('`').map((part, i) => (i % 2 ? el('code', {}, part) : part));

async function main() {
  const spec = await (await fetch('/api/openapi.json')).json();
  const resolve = (x) => (x && x.$ref ? x.$ref.slice(2).split('/').reduce((o, k) => o[k], spec) : x);
  document.getElementById('title').textContent = `${spec.info.title} ${spec.info.version}`;
  for (const para of spec.info.description.split('\n\n')) document.getElementById('intro').append(el('p', {}, prose(para)));

  const byTag = new Map(spec.tags.map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) byTag.get(op.tags[0]).push({ path, method, op });
  }
  const ops = document.getElementById('ops');
  ops.replaceChildren();
  for (const [tag, list] of byTag) {
    const id = tag.replace(/\W+/g, '-').toLowerCase();
    document.getElementById('toc').append(el('a', { href: `#${id}` }, tag));
    ops.append(el('h2', { id }, tag), ...list.map(render));
  }

  function render({ path, method, op }) {
    const auth = op.security.length ? op.security.map((s) => Object.keys(s).join(' + ')).join(' or ') : 'open';
    const body = el('div', {});
    if (op.description) body.append(el('p', {}, prose(op.description)));
    body.append(el('p', { class: 'auth' }, `auth: ${auth}`));
    if (op.parameters) {
      body.append(el('h4', {}, 'Parameters'), el('table', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'), el('th', {}, 'schema'), el('th', {}, 'description')),
        op.parameters.map((p) => el('tr', {}, el('td', {}, el('code', {}, p.name + (p.required ? ' *' : ''))), el('td', {}, p.in),
          el('td', {}, el('code', {}, JSON.stringify(p.schema))), el('td', {}, prose(p.description || ''))))));
    }
    if (op.requestBody) body.append(el('h4', {}, 'Request body (JSON)'), json(op.requestBody.content['application/json'].schema));
    body.append(el('h4', {}, 'Responses'));
    for (const [status, ref] of Object.entries(op.responses)) {
      const r = resolve(ref);
      body.append(el('p', {}, el('strong', {}, status), ' ', prose(r.description)));
      for (const [type, media] of Object.entries(r.content || {})) {
        if (type === 'application/json') body.append(json(resolve(media.schema)));
        else body.append(el('p', {}, el('code', {}, type), ' ', media.schema?.description || ''));
      }
    }
    return el('details', {}, el('summary', {}, el('span', { class: `method ${method}` }, method), el('code', {}, path), ` — ${op.summary}`), body);
  }
}

main().catch((err) => {
  document.getElementById('ops').replaceChildren(el('p', {}, `Could not load the API description: ${err.message}`));
});
