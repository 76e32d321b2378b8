// replay-html viewer: mobile recordings. PostHog's iOS, Android, React Native and Flutter SDKs
// record an app's screen as wireframes (boxes with a type, position, size and style: see
// src/mobile.rs and the README), not as a page. The page carries those events as the SDK sent
// them; a MobileScreen turns them into the rrweb events of a page that draws the screen, as
// PostHog's own player does, just before a player gets them (window-player.js).
//
// One MobileScreen follows one player's events in order, from a full snapshot on, and keeps the
// screen's wireframe tree: an update keeps the children it does not list, an add of a present
// wireframe replaces it in place, a remove of an unknown wireframe is passed over, and an add
// under a wireframe inside itself is refused. Each wireframe is a positioned box (a <div> with
// the wireframe's rrweb id) holding what its type draws (a text, an image, an input, ...) and
// then its children's boxes. A wireframe of unknown type, or one too damaged to draw, shows as a
// labelled placeholder; the bundler warned about it already (src/mobile.rs).
//
// Events of a web window (full snapshots with a serialized page) pass through untouched.

/** rrweb node ids of the page skeleton; wireframes get ids from FIRST_ID on. */
const MOBILE_IDS = { document: 1, doctype: 2, html: 3, head: 4, style: 5, css: 6, body: 7, screen: 8, keyboard: 9 };
const MOBILE_FIRST_ID = 100;
/** rrweb's event types and incremental sources used here. */
const RR_FULL_SNAPSHOT = 2;
const RR_META = 4;
const RR_INCREMENTAL = 3;
const RR_CUSTOM = 5;
const RR_MUTATION = 0;
const RR_MOUSE_INTERACTION = 2;

/** The stylesheet of the drawn screen. */
const MOBILE_CSS = `
html, body { margin: 0; padding: 0; width: 100vw; height: 100vh; overflow: hidden; }
body { font-family: -apple-system, Roboto, "Segoe UI", sans-serif; font-size: 14px; color: #000; background: #fff; }
.wf { position: fixed; box-sizing: border-box; overflow: hidden; }
.wf-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.wf-fill { display: block; width: 100%; height: 100%; box-sizing: border-box; }
input.wf-fill, textarea.wf-fill, select.wf-fill, button.wf-fill { font: inherit; color: inherit; margin: 0; padding: 0 4px; border: 0; outline: 0; background: transparent; }
button.wf-fill { padding: 0; cursor: default; }
textarea.wf-fill { resize: none; padding: 4px; }
img.wf-fill { display: block; border: 0; }
progress.wf-fill { -webkit-appearance: none; appearance: none; border: 0; background: #e5e7eb; border-radius: 4px; overflow: hidden; }
progress.wf-fill::-webkit-progress-bar { background: #e5e7eb; }
progress.wf-fill::-webkit-progress-value { background: #1d4aff; }
progress.wf-fill::-moz-progress-bar { background: #1d4aff; }
.wf-choice { display: flex; align-items: center; gap: 6px; width: 100%; height: 100%; }
.wf-choice input { margin: 0; flex: none; }
.wf-placeholder { display: flex; align-items: center; justify-content: center; text-align: center; color: #35373e; background-color: #f3f4ef;
  background-image: repeating-linear-gradient(45deg, rgba(0,0,0,.06) 0 6px, transparent 6px 12px); font-size: 12px; overflow-wrap: anywhere; padding: 2px; }
.wf-bar { display: flex; align-items: center; z-index: 2147483000; }
.wf-clock { padding-left: 12px; font-size: 13px; font-weight: 600; }
.wf-nav { justify-content: space-around; font-size: 16px; }
.wf-switch { position: relative; width: 36px; height: 20px; border-radius: 10px; flex: none; }
.wf-switch-knob { position: absolute; top: 2px; width: 16px; height: 16px; border-radius: 50%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.4); }
.wf-ring { border-radius: 50%; width: 100%; height: 100%; box-sizing: border-box; }
.wf-spinner { border: 3px solid rgba(0,0,0,.15); border-top-color: #1d4aff; animation: wf-spin 1s linear infinite; }
@keyframes wf-spin { to { transform: rotate(360deg); } }
.wf-stars { display: flex; align-items: center; color: #c7c7c7; font-size: 18px; letter-spacing: 1px; }
.wf-star-on { color: #f5a623; }
.wf-keyboard { position: fixed; left: 0; bottom: 0; width: 100vw; background: #d1d3d9; color: #35373e; display: flex;
  align-items: center; justify-content: center; z-index: 2147483001; font-size: 13px; }
`;

/** The screenshot wireframe of a mutation that shows a new screenshot and nothing else (as
 *  src/mobile.rs's is_whole_screenshot tells), or null. */
function wholeScreenshot(event) {
  const data = event.data;
  if (event.type !== RR_INCREMENTAL || data.source !== RR_MUTATION) return null;
  if (Array.isArray(data.removes) && data.removes.length) return null;
  const changes = [...(Array.isArray(data.adds) ? data.adds : []), ...(Array.isArray(data.updates) ? data.updates : [])];
  const wireframe = changes.length === 1 && changes[0] && changes[0].wireframe;
  return wireframe && wireframe.type === 'screenshot' ? wireframe : null;
}

class MobileScreen {
  constructor() {
    /** Whether the window is an app's (its full snapshots hold wireframes). */
    this.mobile = false;
    /** Whether a full snapshot (or a whole screenshot standing for one) was seen. */
    this.started = false;
    this.reset();
  }

  reset() {
    /** rrweb id of each wireframe id. */
    this.ids = new Map();
    this.nextId = MOBILE_FIRST_ID;
    /** The wireframe tree: wireframe id -> {parent (wireframe id or null), children: [ids]}. */
    this.tree = new Map();
    this.roots = [];
    /** The navigation bar's colours, which the keyboard takes. */
    this.navColour = null;
    this.keyboardShown = false;
  }

  /** The events a player gets for these, in order. */
  convert(events) {
    const out = [];
    for (const event of events) {
      try {
        out.push(...this.convertEvent(event));
      } catch (error) {
        // An event too damaged to draw is left out; the rest still plays.
        console.warn('replay-html: a mobile event could not be drawn', error);
      }
    }
    return out;
  }

  convertEvent(event) {
    const data = event && event.data;
    if (!data || typeof data !== 'object') return [event];
    if (event.type === RR_FULL_SNAPSHOT) {
      this.started = true;
      this.mobile = Array.isArray(data.wireframes);
      return this.mobile ? [this.fullSnapshot(event)] : [event];
    }
    const screenshot = !this.started && wholeScreenshot(event);
    if (screenshot) {
      // A player made from a later chunk of screenshot mode (src/payload.rs cuts chunks there):
      // the new screenshot is the whole screen, so it is drawn as a full snapshot of its size.
      this.started = true;
      this.mobile = true;
      const meta = { type: RR_META, timestamp: event.timestamp, data: { href: '', width: screenshot.width, height: screenshot.height } };
      return [meta, this.fullSnapshot({ type: RR_FULL_SNAPSHOT, timestamp: event.timestamp, data: { wireframes: [screenshot] } })];
    }
    if (!this.mobile) return [event];
    if (event.type === RR_INCREMENTAL && data.source === RR_MUTATION) return [this.mutation(event)];
    if (event.type === RR_INCREMENTAL && data.source === RR_MOUSE_INTERACTION && data.id === 0) {
      // A touch names no view: it lands on the screen.
      return [{ ...event, data: { ...data, id: MOBILE_IDS.body } }];
    }
    if (event.type === RR_CUSTOM && data.tag === 'keyboard') return [this.keyboard(event)];
    return [event];
  }

  // ---- full snapshots ----

  fullSnapshot(event) {
    this.reset();
    this.time = event.timestamp;
    const seen = new Set();
    const boxes = [];
    const wireframes = event.data.wireframes;
    for (const wireframe of wireframes) {
      const box = this.box(wireframe, null, seen);
      if (box) boxes.push(box);
    }
    const element = (id, tagName, attributes, childNodes) => ({ type: 2, id, tagName, attributes, childNodes });
    const node = {
      type: 0,
      id: MOBILE_IDS.document,
      childNodes: [
        { type: 1, id: MOBILE_IDS.doctype, name: 'html', publicId: '', systemId: '' },
        element(MOBILE_IDS.html, 'html', {}, [
          element(MOBILE_IDS.head, 'head', {}, [
            element(MOBILE_IDS.style, 'style', {}, [{ type: 3, id: MOBILE_IDS.css, textContent: MOBILE_CSS, isStyle: true }]),
          ]),
          element(MOBILE_IDS.body, 'body', {}, [element(MOBILE_IDS.screen, 'div', { class: 'wf-screen' }, boxes)]),
        ]),
      ],
    };
    return { type: RR_FULL_SNAPSHOT, timestamp: event.timestamp, data: { node, initialOffset: { top: 0, left: 0 } } };
  }

  /** The rrweb id of a wireframe id (one id for the wireframe all along). */
  idOf(wireframeId) {
    let id = this.ids.get(wireframeId);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(wireframeId, id);
    }
    return id;
  }

  /** A new id for a node that is no wireframe (a text, an image inside a box, ...). */
  freshId() {
    return this.nextId++;
  }

  /**
   * The serialized box of a wireframe and its children, recording them in the tree under
   * `parent`; null for a wireframe already drawn (an id twice) or not an object.
   */
  box(wireframe, parent, seen) {
    if (!wireframe || typeof wireframe !== 'object' || Array.isArray(wireframe)) return null;
    let key = wireframe.id;
    if (typeof key !== 'number' && typeof key !== 'string') key = `missing-${this.nextId}`;
    if (seen.has(key)) return null;
    seen.add(key);
    this.tree.set(key, { parent, children: [], wireframe });
    if (parent === null) this.roots.push(key);
    else if (this.tree.has(parent)) this.tree.get(parent).children.push(key);
    const node = this.draw(wireframe, this.idOf(key));
    const children = Array.isArray(wireframe.childWireframes) ? wireframe.childWireframes : [];
    for (const child of children) {
      const childBox = this.box(child, key, seen);
      if (childBox) node.childNodes.push(childBox);
    }
    return node;
  }

  // ---- drawing one wireframe ----

  /** The serialized box of one wireframe, without its children. */
  draw(wireframe, id) {
    const type = wireframe.type === undefined ? 'div' : wireframe.type;
    const style = isObject(wireframe.style) ? wireframe.style : {};
    const css = [boxCss(wireframe), colourCss(style), layoutCss(style)];
    const classes = ['wf', `wf-${String(type).replace(/[^a-z_]/gi, '')}`];
    const content = [];
    const text = (value) => ({ type: 3, id: this.freshId(), textContent: String(value) });
    const element = (tagName, attributes, childNodes = []) => ({ type: 2, id: this.freshId(), tagName, attributes, childNodes });
    const placeholder = (label) => {
      classes.push('wf-placeholder');
      content.push(text(label));
    };
    switch (type) {
      case 'text':
        classes.push('wf-text');
        if (typeof wireframe.text === 'string') content.push(text(wireframe.text));
        break;
      case 'div':
      case 'rectangle':
      case 'radio_group':
        break;
      case 'image':
      case 'screenshot': {
        const src = imageUrl(wireframe.base64);
        if (wireframe.base64 === undefined || wireframe.base64 === null) placeholder(type);
        else if (src === null) placeholder(`${type} could not be decoded`);
        else content.push(element('img', { class: 'wf-fill', src, alt: `${type} that could not be decoded`, 'data-wireframe-image': type }));
        break;
      }
      case 'placeholder':
        placeholder(typeof wireframe.label === 'string' && wireframe.label ? wireframe.label : 'placeholder');
        break;
      case 'web_view':
        placeholder(typeof wireframe.url === 'string' && wireframe.url ? `Web view: ${wireframe.url}` : 'Web view');
        break;
      case 'status_bar': {
        classes.push('wf-bar');
        const colour = contrastColour(style.backgroundColor);
        const clock = new Date(this.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        content.push(element('span', { class: 'wf-clock', style: `color:${colour}` }, [text(clock)]));
        break;
      }
      case 'navigation_bar': {
        classes.push('wf-bar', 'wf-nav');
        const colour = contrastColour(style.backgroundColor);
        this.navColour = { background: style.backgroundColor || null, colour };
        for (const glyph of ['◀', '⚪', '⬜']) content.push(element('span', { style: `color:${colour}` }, [text(glyph)]));
        break;
      }
      case 'input':
        this.drawInput(wireframe, style, { content, classes, text, element, placeholder });
        break;
      default:
        placeholder(`unknown wireframe: ${String(type).slice(0, 40)}`);
    }
    const attributes = { class: classes.join(' '), style: css.join(''), 'data-wireframe-id': String(wireframe.id ?? '') };
    return { type: 2, id, tagName: 'div', attributes, childNodes: content };
  }

  drawInput(wireframe, style, { content, classes, text, element, placeholder }) {
    const inputType = wireframe.inputType;
    const disabled = wireframe.disabled === true ? { disabled: true } : {};
    const value = wireframe.value === undefined || wireframe.value === null ? '' : String(wireframe.value);
    const label = typeof wireframe.label === 'string' ? wireframe.label : null;
    switch (inputType) {
      case 'text':
      case 'password':
      case 'email':
      case 'number':
      case 'search':
      case 'tel':
      case 'url':
        content.push(element('input', { class: 'wf-fill', type: inputType, value, ...disabled }));
        break;
      case 'text_area':
        content.push(element('textarea', { class: 'wf-fill', value, ...disabled }));
        break;
      case 'select': {
        const options = Array.isArray(wireframe.options) ? wireframe.options.map(String) : [];
        if (value && !options.includes(value)) options.unshift(value);
        content.push(element('select', { class: 'wf-fill', ...disabled },
          options.map((option) => element('option', option === value ? { selected: true } : {}, [text(option)]))));
        break;
      }
      case 'checkbox':
      case 'radio': {
        const input = element('input', { type: inputType, ...(wireframe.checked === true ? { checked: true } : {}), ...disabled });
        content.push(element('label', { class: 'wf-choice' }, label === null ? [input] : [input, text(label)]));
        break;
      }
      case 'toggle': {
        const on = wireframe.checked === true;
        const track = style.color || (on ? '#1d4aff' : '#c9cbd3');
        const knob = element('div', { class: 'wf-switch-knob', style: on ? 'right:2px' : 'left:2px' });
        const toggle = element('div', { class: 'wf-switch', 'data-checked': String(on), style: `background:${track}` }, [knob]);
        content.push(element('label', { class: 'wf-choice' }, label === null ? [toggle] : [text(label), toggle]));
        break;
      }
      case 'button':
        content.push(element('button', { class: 'wf-fill', type: 'button', ...disabled }, value ? [text(value)] : []));
        break;
      case 'progress':
        this.drawProgress(wireframe, style, { content, classes, text, element, placeholder });
        break;
      default:
        placeholder(`unknown input: ${String(inputType).slice(0, 40)}`);
    }
  }

  drawProgress(wireframe, style, { content, text, element, placeholder }) {
    const value = typeof wireframe.value === 'number' && Number.isFinite(wireframe.value) ? wireframe.value : null;
    const max = typeof wireframe.max === 'number' && wireframe.max > 0 ? wireframe.max : null;
    switch (style.bar) {
      case 'circular':
        if (value === null) {
          content.push(element('div', { class: 'wf-ring wf-spinner', role: 'progressbar' }));
        } else {
          const share = Math.min(Math.max(value / (max || 1), 0), 1) * 100;
          content.push(element('div', {
            class: 'wf-ring', role: 'progressbar', 'aria-valuenow': String(value),
            style: `background:conic-gradient(#1d4aff ${share}%, #e5e7eb 0)`,
          }));
        }
        break;
      case 'rating': {
        if (value === null || max === null) {
          placeholder('rating');
          break;
        }
        const stars = Math.min(Math.round(max), 100);
        const on = Math.min(Math.round(value), stars);
        const spans = [];
        for (let i = 0; i < stars; i++) spans.push(element('span', i < on ? { class: 'wf-star-on' } : {}, [text('★')]));
        content.push(element('div', { class: 'wf-stars wf-fill', 'aria-label': `${value} of ${max}` }, spans));
        break;
      }
      default:
        content.push(element('progress', { class: 'wf-fill', ...(value === null ? {} : { value: String(value) }), max: String(max || 1) }));
    }
  }

  // ---- diffs ----

  /** A wireframe mutation as an rrweb mutation on the drawn page. */
  mutation(event) {
    const data = event.data;
    this.time = event.timestamp;
    const removes = [];
    const adds = [];
    const remove = (key) => {
      const entry = this.tree.get(key);
      if (!entry) return;
      removes.push({ parentId: entry.parent === null ? MOBILE_IDS.screen : this.idOf(entry.parent), id: this.idOf(key) });
      const siblings = this.siblingsOf(key);
      siblings.splice(siblings.indexOf(key), 1);
      const stack = [key];
      while (stack.length) {
        const gone = stack.pop();
        const goneEntry = this.tree.get(gone);
        if (goneEntry) stack.push(...goneEntry.children);
        this.tree.delete(gone);
      }
    };
    for (const removal of asList(data.removes)) if (isObject(removal)) remove(removal.id);

    // Updates and adds: the last word on each wireframe wins.
    const changes = new Map();
    for (const [list, isUpdate] of [[data.updates, true], [data.adds, false]]) {
      for (const change of asList(list)) {
        if (!isObject(change) || !isObject(change.wireframe)) continue;
        const id = change.wireframe.id;
        if (typeof id !== 'number' && typeof id !== 'string') continue;
        changes.delete(id);
        changes.set(id, { parent: change.parentId, wireframe: change.wireframe, isUpdate });
      }
    }
    // A child listed inside a changed wireframe and as a change of its own is drawn from its own.
    const listed = new Set();
    for (const { wireframe } of changes.values()) {
      for (const child of asList(wireframe.childWireframes)) {
        if (isObject(child) && changes.has(child.id) && changes.get(child.id).wireframe !== child) listed.add(child);
      }
    }
    /** Moved wireframes to put back before their next sibling, once every change is made. */
    const places = [];
    for (const [key, { parent, wireframe, isUpdate }] of changes) {
      const present = this.tree.get(key);
      let parentKey = parent;
      if (wireframe.type === 'screenshot') parentKey = null; // a screenshot covers the screen
      else if (present && (isUpdate || !this.tree.has(parentKey))) parentKey = present.parent;
      if (parentKey === undefined || !this.tree.has(parentKey)) parentKey = null;
      if (parentKey !== null && this.isInside(parentKey, key)) continue; // a wireframe cannot hold itself
      const kept = present && !Array.isArray(wireframe.childWireframes) ? present.children.map((child) => this.wireframeOf(child)) : [];
      let nextKey;
      if (present && present.parent === parentKey) {
        const siblings = this.siblingsOf(key);
        nextKey = siblings[siblings.indexOf(key) + 1];
      }
      remove(key);
      const seen = new Set();
      const drawn = { ...wireframe, childWireframes: asList(wireframe.childWireframes).filter((child) => !listed.has(child)).concat(kept) };
      const box = this.box(drawn, parentKey, seen);
      if (!box) continue;
      const first = adds.length;
      flatten(box, parentKey === null ? MOBILE_IDS.screen : this.idOf(parentKey), adds);
      if (nextKey !== undefined) places.push({ key, nextKey, add: adds[first] });
    }
    for (const { key, nextKey, add } of places) {
      const entry = this.tree.get(key);
      const next = this.tree.get(nextKey);
      // Only before a sibling that is still there, under the same parent.
      if (!entry || !next || next.parent !== entry.parent) continue;
      const siblings = this.siblingsOf(key);
      siblings.splice(siblings.indexOf(key), 1);
      siblings.splice(siblings.indexOf(nextKey), 0, key);
      add.nextId = this.idOf(nextKey);
    }
    return {
      type: RR_INCREMENTAL,
      timestamp: event.timestamp,
      data: { source: RR_MUTATION, texts: [], attributes: [], removes, adds },
    };
  }

  /** A wireframe as it is drawn now, with its children. */
  wireframeOf(key) {
    const entry = this.tree.get(key);
    return { ...entry.wireframe, childWireframes: entry.children.map((child) => this.wireframeOf(child)) };
  }

  /** Whether wireframe `key` is `ancestor` or inside it. */
  isInside(key, ancestor) {
    for (let at = key, steps = 0; at !== null && at !== undefined && steps < 100000; steps++) {
      if (at === ancestor) return true;
      const entry = this.tree.get(at);
      at = entry ? entry.parent : null;
    }
    return false;
  }

  siblingsOf(key) {
    const entry = this.tree.get(key);
    if (!entry) return [];
    return entry.parent === null ? this.roots : (this.tree.get(entry.parent) || { children: [] }).children;
  }

  // ---- keyboard ----

  keyboard(event) {
    const payload = isObject(event.data.payload) ? event.data.payload : {};
    const adds = [];
    const removes = [];
    if (this.keyboardShown) removes.push({ parentId: MOBILE_IDS.body, id: MOBILE_IDS.keyboard });
    this.keyboardShown = payload.open === true;
    if (this.keyboardShown) {
      const height = Number(payload.height) > 0 ? Number(payload.height) : 260;
      const colours = this.navColour && this.navColour.background ? `background:${this.navColour.background};color:${this.navColour.colour};` : '';
      adds.push({
        parentId: MOBILE_IDS.body,
        nextId: null,
        node: { type: 2, id: MOBILE_IDS.keyboard, tagName: 'div', attributes: { class: 'wf-keyboard', style: `height:${height}px;${colours}` }, childNodes: [] },
      });
      adds.push({ parentId: MOBILE_IDS.keyboard, nextId: null, node: { type: 3, id: this.freshId(), textContent: 'keyboard' } });
    }
    return { type: RR_INCREMENTAL, timestamp: event.timestamp, data: { source: RR_MUTATION, texts: [], attributes: [], removes, adds } };
  }
}

// ---- helpers ----

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asList(value) {
  return Array.isArray(value) ? value : [];
}

/** Adds a serialized box and everything in it as rrweb adds (rrweb adds one node an entry). */
function flatten(node, parentId, adds) {
  const { childNodes, ...rest } = node;
  adds.push({ parentId, nextId: null, node: childNodes ? { ...rest, childNodes: [] } : rest });
  for (const child of childNodes || []) flatten(child, node.id, adds);
}

/** A CSS length from a number or "Npx". */
function px(value) {
  if (typeof value === 'number' && Number.isFinite(value)) return `${value}px`;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?(px)?$/.test(value.trim())) return `${parseFloat(value)}px`;
  return null;
}

/** A colour a wireframe gives, if it is one (#rgb, #rrggbb, #rrggbbaa). */
function colour(value) {
  return typeof value === 'string' && /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(value.trim()) ? value.trim() : null;
}

function boxCss(wireframe) {
  const width = wireframe.width === '100vw' ? '100vw' : px(wireframe.width) || '0px';
  const height = px(wireframe.height) || '0px';
  return `left:${px(wireframe.x) || '0px'};top:${px(wireframe.y) || '0px'};width:${width};height:${height};`;
}

function colourCss(style) {
  let css = '';
  const background = colour(style.backgroundColor);
  if (background) css += `background-color:${background};`;
  const text = colour(style.color);
  if (text) css += `color:${text};`;
  const image = imageUrl(style.backgroundImage);
  if (image) css += `background-image:url("${image}");background-size:${['contain', 'cover', 'auto'].includes(style.backgroundSize) ? style.backgroundSize : 'contain'};background-repeat:no-repeat;background-position:center;`;
  if (style.borderWidth !== undefined || style.borderRadius !== undefined || style.borderColor !== undefined) {
    css += `border-style:solid;border-width:${px(style.borderWidth) || '0px'};`;
    if (px(style.borderRadius)) css += `border-radius:${px(style.borderRadius)};`;
    if (colour(style.borderColor)) css += `border-color:${colour(style.borderColor)};`;
  }
  return css;
}

function layoutCss(style) {
  let css = '';
  const vertical = { top: 'flex-start', center: 'center', bottom: 'flex-end' }[style.verticalAlign];
  const horizontal = { left: 'flex-start', center: 'center', right: 'flex-end' }[style.horizontalAlign];
  if (vertical || horizontal) css += `display:flex;align-items:${vertical || 'flex-start'};justify-content:${horizontal || 'flex-start'};`;
  if (horizontal) css += `text-align:${style.horizontalAlign};`;
  for (const side of ['Left', 'Right', 'Top', 'Bottom']) {
    const value = px(style[`padding${side}`]);
    if (value) css += `padding-${side.toLowerCase()}:${value};`;
  }
  if (px(style.fontSize)) css += `font-size:${px(style.fontSize)};`;
  if (typeof style.fontFamily === 'string' && /^[\w\s,"'-]+$/.test(style.fontFamily)) css += `font-family:${style.fontFamily};`;
  return css;
}

/**
 * The data URL of a wireframe's image: a data:image URL as it is, or bare base64 (a PNG;
 * Android writes line breaks into it); null for anything else.
 */
function imageUrl(base64) {
  if (typeof base64 !== 'string' || base64.length === 0) return null;
  const clean = base64.replace(/[\r\n]/g, '');
  const url = /^data:image\/[a-z0-9.+-]+(;[^,]*)?,/i.exec(clean);
  if (url && !/;base64$/i.test(url[1] || '')) return /["\\]/.test(clean) ? null : clean;
  const body = url ? clean.slice(url[0].length) : clean;
  // Whole base64 only (as src/mobile.rs checks): a cut-short image would not decode.
  if (body.length === 0 || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  return url ? clean : `data:image/png;base64,${clean}`;
}

/** Black or white, whichever reads on a background colour. */
function contrastColour(background) {
  const value = colour(background);
  if (!value) return '#000000';
  let hex = value.slice(1);
  if (hex.length <= 4) hex = [...hex.slice(0, 3)].map((c) => c + c).join('');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000000' : '#ffffff';
}
