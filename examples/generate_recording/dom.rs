//! A page's DOM as rrweb's recorder sees it: nodes with the ids rrweb gave them, the changes
//! made to them since the last mutation event, and their serialization in rrweb-snapshot's
//! node format (`{"type":2,"tagName":..,"attributes":..,"childNodes":[..],"id":..}`).
//!
//! Keeping the page itself, rather than inventing ids per event, is what keeps a generated
//! recording consistent: a mutation only ever removes, changes or adds next to nodes that
//! exist, and each full snapshot shows the page as the mutations before it left it.

use std::collections::HashMap;

use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};

pub type NodeId = u32;

/// The id rrweb gives a page's document node.
pub const DOCUMENT: NodeId = 1;

enum Node {
    Document {
        children: Vec<NodeId>,
    },
    Doctype,
    Element(Element),
    /// `style` is set for the text inside a `<style>` element, which rrweb marks `isStyle`.
    Text {
        text: String,
        style: bool,
    },
}

struct Element {
    tag: &'static str,
    attributes: Vec<(&'static str, String)>,
    children: Vec<NodeId>,
    svg: bool,
}

struct Entry {
    parent: NodeId,
    node: Node,
}

/// The changes since the last mutation event, as rrweb's mutation observer batches them.
#[derive(Default)]
pub struct Mutation {
    pub texts: Vec<TextChange>,
    pub attributes: Vec<AttributeChange>,
    pub removes: Vec<Removal>,
    /// Roots of added subtrees, in document order (see [`Adds`]).
    added: Vec<NodeId>,
}

#[derive(Serialize)]
pub struct TextChange {
    pub id: NodeId,
    pub value: String,
}

#[derive(Serialize)]
pub struct AttributeChange {
    pub id: NodeId,
    pub attributes: AttributeValues,
}

/// Attribute names and new values (`null`: removed), written in the order they were set.
pub struct AttributeValues(Vec<(&'static str, Option<String>)>);

impl AttributeValues {
    fn set(&mut self, name: &'static str, value: Option<String>) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

impl Serialize for AttributeValues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(&self.0, serializer)
    }
}

/// Names and values as a JSON object, in their order: attributes, headers.
pub fn serialize_pairs<S: Serializer, V: Serialize>(
    pairs: &[(&'static str, V)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(name, value)| (name, value)))
}

#[derive(Serialize)]
pub struct Removal {
    #[serde(rename = "parentId")]
    pub parent_id: NodeId,
    pub id: NodeId,
}

impl Mutation {
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
            && self.attributes.is_empty()
            && self.removes.is_empty()
            && self.added.is_empty()
    }
}

/// One page load's DOM. Ids start at 1 (the document) and grow in document order, as rrweb
/// gives them; a new page load starts a new `Dom`.
pub struct Dom {
    nodes: HashMap<NodeId, Entry>,
    next_id: NodeId,
    pending: Mutation,
}

impl Dom {
    /// A document holding only its doctype.
    pub fn new() -> Dom {
        let mut nodes = HashMap::new();
        nodes.insert(
            DOCUMENT,
            Entry {
                parent: 0,
                node: Node::Document {
                    children: vec![DOCUMENT + 1],
                },
            },
        );
        nodes.insert(
            DOCUMENT + 1,
            Entry {
                parent: DOCUMENT,
                node: Node::Doctype,
            },
        );
        Dom {
            nodes,
            next_id: DOCUMENT + 2,
            pending: Mutation::default(),
        }
    }

    /// Appends an element to `parent`.
    pub fn element(
        &mut self,
        parent: NodeId,
        tag: &'static str,
        attributes: &[(&'static str, &str)],
    ) -> NodeId {
        self.insert(parent, None, Node::Element(element(tag, attributes, false)))
    }

    /// Appends an SVG element (rrweb marks these `isSVG`) to `parent`.
    pub fn svg(
        &mut self,
        parent: NodeId,
        tag: &'static str,
        attributes: &[(&'static str, &str)],
    ) -> NodeId {
        self.insert(parent, None, Node::Element(element(tag, attributes, true)))
    }

    /// Inserts an element into `parent` before its child `before`.
    pub fn element_before(
        &mut self,
        parent: NodeId,
        before: NodeId,
        tag: &'static str,
        attributes: &[(&'static str, &str)],
    ) -> NodeId {
        let node = Node::Element(element(tag, attributes, false));
        self.insert(parent, Some(before), node)
    }

    pub fn text(&mut self, parent: NodeId, text: impl Into<String>) -> NodeId {
        let text = text.into();
        self.insert(parent, None, Node::Text { text, style: false })
    }

    /// The stylesheet text inside a `<style>` element.
    pub fn style_text(&mut self, parent: NodeId, css: impl Into<String>) -> NodeId {
        let text = css.into();
        self.insert(parent, None, Node::Text { text, style: true })
    }

    fn insert(&mut self, parent: NodeId, before: Option<NodeId>, node: Node) -> NodeId {
        let id = self.next_id;
        self.next_id += 1;
        let children = self.children_mut(parent);
        match before.and_then(|b| children.iter().position(|&c| c == b)) {
            Some(at) => children.insert(at, id),
            None => children.push(id),
        }
        self.nodes.insert(id, Entry { parent, node });
        id
    }

    fn children_mut(&mut self, id: NodeId) -> &mut Vec<NodeId> {
        match self.nodes.get_mut(&id).map(|e| &mut e.node) {
            Some(Node::Element(e)) => &mut e.children,
            Some(Node::Document { children }) => children,
            _ => panic!("node {id} cannot have children"),
        }
    }

    /// Children of an element, in order.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        match self.nodes.get(&id).map(|e| &e.node) {
            Some(Node::Element(e)) => &e.children,
            Some(Node::Document { children }) => children,
            _ => &[],
        }
    }

    /// Records `root`, built since the last mutation event, as an added subtree.
    pub fn added(&mut self, root: NodeId) {
        self.pending.added.push(root);
    }

    /// Removes a node and everything inside it.
    pub fn remove(&mut self, id: NodeId) {
        let parent = self.nodes[&id].parent;
        self.children_mut(parent).retain(|&c| c != id);
        self.drop_subtree(id);
        self.pending.removes.push(Removal {
            parent_id: parent,
            id,
        });
    }

    fn drop_subtree(&mut self, id: NodeId) {
        if let Some(entry) = self.nodes.remove(&id)
            && let Node::Element(element) = entry.node
        {
            for child in element.children {
                self.drop_subtree(child);
            }
        }
    }

    pub fn set_text(&mut self, id: NodeId, value: impl Into<String>) {
        let value = value.into();
        if let Some(Entry {
            node: Node::Text { text, .. },
            ..
        }) = self.nodes.get_mut(&id)
        {
            text.clone_from(&value);
        }
        // One entry per node and batch, holding the last value, as rrweb batches them.
        match self.pending.texts.iter_mut().find(|t| t.id == id) {
            Some(change) => change.value = value,
            None => self.pending.texts.push(TextChange { id, value }),
        }
    }

    /// Sets (`Some`) or removes (`None`) an attribute.
    pub fn set_attribute(&mut self, id: NodeId, name: &'static str, value: Option<String>) {
        if let Some(Entry {
            node: Node::Element(element),
            ..
        }) = self.nodes.get_mut(&id)
        {
            element.attributes.retain(|(n, _)| *n != name);
            if let Some(value) = &value {
                element.attributes.push((name, value.clone()));
            }
        }
        // One entry per node and batch, with the last value of each attribute.
        match self.pending.attributes.iter_mut().find(|a| a.id == id) {
            Some(change) => change.attributes.set(name, value),
            None => self.pending.attributes.push(AttributeChange {
                id,
                attributes: AttributeValues(vec![(name, value)]),
            }),
        }
    }

    /// The changes since the last call, for one mutation event.
    pub fn take_mutation(&mut self) -> Mutation {
        std::mem::take(&mut self.pending)
    }

    /// The whole page, for a full snapshot.
    pub fn document(&self) -> Tree<'_> {
        Tree {
            dom: self,
            id: DOCUMENT,
            shallow: false,
        }
    }

    /// A mutation's added subtrees, in rrweb's `adds` format.
    pub fn adds<'a>(&'a self, mutation: &'a Mutation) -> Adds<'a> {
        Adds {
            dom: self,
            roots: &mutation.added,
        }
    }
}

fn element(tag: &'static str, attributes: &[(&'static str, &str)], svg: bool) -> Element {
    Element {
        tag,
        attributes: attributes
            .iter()
            .map(|&(name, value)| (name, value.to_owned()))
            .collect(),
        children: Vec::new(),
        svg,
    }
}

/// A node with its subtree (or alone, `shallow`), serialized as rrweb-snapshot does.
pub struct Tree<'a> {
    dom: &'a Dom,
    id: NodeId,
    shallow: bool,
}

impl Serialize for Tree<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entry = self
            .dom
            .nodes
            .get(&self.id)
            .ok_or_else(|| S::Error::custom(format!("node {} is not on the page", self.id)))?;
        let children = || Children {
            dom: self.dom,
            ids: if self.shallow {
                &[]
            } else {
                self.dom.children(self.id)
            },
        };
        let mut map = serializer.serialize_map(None)?;
        match &entry.node {
            Node::Document { .. } => {
                map.serialize_entry("type", &0)?;
                map.serialize_entry("childNodes", &children())?;
            }
            Node::Doctype => {
                map.serialize_entry("type", &1)?;
                map.serialize_entry("name", "html")?;
                map.serialize_entry("publicId", "")?;
                map.serialize_entry("systemId", "")?;
            }
            Node::Element(element) => {
                map.serialize_entry("type", &2)?;
                map.serialize_entry("tagName", element.tag)?;
                map.serialize_entry("attributes", &Attributes(&element.attributes))?;
                map.serialize_entry("childNodes", &children())?;
                if element.svg {
                    map.serialize_entry("isSVG", &true)?;
                }
            }
            Node::Text { text, style } => {
                map.serialize_entry("type", &3)?;
                map.serialize_entry("textContent", text)?;
                if *style {
                    map.serialize_entry("isStyle", &true)?;
                }
            }
        }
        map.serialize_entry("id", &self.id)?;
        map.end()
    }
}

struct Children<'a> {
    dom: &'a Dom,
    ids: &'a [NodeId],
}

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.ids.iter().map(|&id| Tree {
            dom: self.dom,
            id,
            shallow: false,
        }))
    }
}

struct Attributes<'a>(&'a [(&'static str, String)]);

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(self.0, serializer)
    }
}

/// Added subtrees as rrweb writes them: one `{parentId, nextId, node}` per node, each node
/// without its children (those follow as entries of their own).
///
/// Every entry comes after its parent and after its next sibling, so a replayer can insert
/// each one where it belongs at once: roots are written last first, and children of a node
/// last first, which is also the order rrweb's mutation buffer tends to emit.
pub struct Adds<'a> {
    dom: &'a Dom,
    roots: &'a [NodeId],
}

impl Adds<'_> {
    /// Entries for a node and its subtree, children last first.
    fn push_entries(
        &self,
        id: NodeId,
        parent: NodeId,
        next: Option<NodeId>,
        entries: &mut Vec<Add>,
    ) {
        entries.push(Add { parent, next, id });
        let children = self.dom.children(id);
        for (at, &child) in children.iter().enumerate().rev() {
            self.push_entries(child, id, children.get(at + 1).copied(), entries);
        }
    }
}

struct Add {
    parent: NodeId,
    next: Option<NodeId>,
    id: NodeId,
}

impl Serialize for Adds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries = Vec::new();
        for &root in self.roots.iter().rev() {
            let Some(entry) = self.dom.nodes.get(&root) else {
                return Err(S::Error::custom(format!("added node {root} is gone")));
            };
            let siblings = self.dom.children(entry.parent);
            let next = siblings
                .iter()
                .position(|&s| s == root)
                .and_then(|at| siblings.get(at + 1).copied());
            self.push_entries(root, entry.parent, next, &mut entries);
        }
        serializer.collect_seq(entries.iter().map(|add| AddEntry {
            parent_id: add.parent,
            next_id: add.next,
            node: Tree {
                dom: self.dom,
                id: add.id,
                shallow: true,
            },
        }))
    }
}

#[derive(Serialize)]
struct AddEntry<'a> {
    #[serde(rename = "parentId")]
    parent_id: NodeId,
    #[serde(rename = "nextId")]
    next_id: Option<NodeId>,
    node: Tree<'a>,
}
