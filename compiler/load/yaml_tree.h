// A read-only YAML document tree for rule files, with a fast reader for the YAML that Sigma
// rules use and a conversion from yaml-cpp for everything else.
//
// Node mirrors the part of yaml-cpp's Node interface the parsers use (IsMap, Scalar, Tag,
// Mark, operator[], iteration with first/second), so the two readers give the same tree: the
// fast reader declines anything it does not handle exactly and yaml-cpp reads that file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refract::yaml {

// A 0-based position in the text, as yaml-cpp's Mark; -1 when unknown.
struct Mark {
  int pos = -1;
  int line = -1;
  int column = -1;
};

enum class Kind { kUndefined, kNull, kScalar, kSequence, kMap };

struct NodeData;

// A handle to a node of a Tree; valid while the Tree lives. The default handle is undefined.
class Node {
 public:
  Node() = default;
  explicit Node(const NodeData* data) : data_(data) {}

  // The node's kind; kUndefined for a missing key.
  Kind kind() const;
  bool IsDefined() const { return kind() != Kind::kUndefined; }
  bool IsNull() const { return kind() == Kind::kNull; }
  bool IsScalar() const { return kind() == Kind::kScalar; }
  bool IsSequence() const { return kind() == Kind::kSequence; }
  bool IsMap() const { return kind() == Kind::kMap; }
  // A scalar's text; empty for other kinds.
  const std::string& Scalar() const;
  // "?" for a plain scalar or a collection, "!" for a quoted or block scalar, "" for null.
  const std::string& Tag() const;
  // Where the node starts (for null values: the next token, as yaml-cpp reports it).
  yaml::Mark Mark() const;
  // The node's data; null for an undefined node.
  const NodeData* data() const { return data_; }
  // Entries of a map or items of a sequence; 0 otherwise.
  size_t size() const;
  // The value of the first entry whose key is the scalar `key`; undefined when absent or when
  // this is not a map.
  Node operator[](std::string_view key) const;

  // An element of iteration: for a sequence the item itself, for a map first (key) and second
  // (value), as yaml-cpp's iterator value.
  struct Entry;
  class Iterator;
  Iterator begin() const;
  Iterator end() const;

 private:
  const NodeData* data_ = nullptr;
};

struct Node::Entry : Node {
  Node first;
  Node second;
};

class Node::Iterator {
 public:
  Iterator(const NodeData* data, size_t index) : data_(data), index_(index) { Load(); }
  const Entry& operator*() const { return entry_; }
  const Entry* operator->() const { return &entry_; }
  Iterator& operator++() {
    ++index_;
    Load();
    return *this;
  }
  bool operator==(const Iterator& other) const { return index_ == other.index_; }
  bool operator!=(const Iterator& other) const { return index_ != other.index_; }

 private:
  void Load();
  const NodeData* data_;
  size_t index_;
  Entry entry_;
};

struct NodeData {
  Kind kind = Kind::kNull;
  std::string scalar;
  std::string tag;
  yaml::Mark mark;
  std::vector<const NodeData*> items;                                // a sequence's items
  std::vector<std::pair<const NodeData*, const NodeData*>> entries;  // a map's entries
};

// Owns the nodes of one file's documents.
class Tree {
 public:
  NodeData* Add() { return &nodes_.emplace_back(); }
  // Set by a reader that resolved an alias: some node is reached more than once.
  bool has_aliases = false;

 private:
  std::deque<NodeData> nodes_;  // a deque keeps node addresses stable as it grows
};

// A file's documents and the tree that owns them.
struct Documents {
  std::shared_ptr<Tree> tree = std::make_shared<Tree>();
  std::vector<Node> documents;
};

// Reads `text` with the fast reader; nullopt when the text uses YAML it does not handle
// (tags, directives, anchors outside block values, multi-line quoted scalars...) or is
// malformed.
std::optional<Documents> ReadFast(std::string_view text);

// Reads `text` with libyaml alone, with Read()'s checks and errors.
Documents ReadWithLibyaml(std::string_view text);

// Reads `text` with the fast reader where it can, else with libyaml; throws YAML::Exception
// (with its mark) for malformed YAML, nesting past 256 levels, a duplicate key in a map, or
// aliases that would expand a document past 100,000 nodes.
Documents Read(std::string_view text);

// Copies yaml-cpp's documents into a tree.
Documents FromYamlCpp(const std::vector<YAML::Node>& documents);

// The tree as indented text (kind, tag, mark, scalar), for tests.
std::string Print(const std::vector<Node>& documents);

}  // namespace refract::yaml
