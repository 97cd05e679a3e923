#include "bot/json_body.h"

#include <simdjson.h>

#include <algorithm>

namespace opsbot {
namespace {

std::string MalformedJson(const nlohmann::json::exception& e) {
  return std::string("malformed JSON: ") + e.what();
}

// nlohmann's SAX interface over one object's top-level members. A top-level value that is not an object is
// noted and parsed on, so malformed JSON is told as malformed whatever it starts with, as by the DOM.
class MemberReader {
 public:
  using Json = nlohmann::json;

  MemberReader(std::span<const std::string_view> names, std::span<JsonMember> out)
      : names_(names), out_(out) {}

  bool null() { return Scalar(JsonMember::kNull, nullptr); }
  bool boolean(bool) { return Scalar(JsonMember::kOther, nullptr); }
  bool number_integer(Json::number_integer_t) { return Scalar(JsonMember::kOther, nullptr); }
  bool number_unsigned(Json::number_unsigned_t) { return Scalar(JsonMember::kOther, nullptr); }
  bool number_float(Json::number_float_t, const std::string&) { return Scalar(JsonMember::kOther, nullptr); }
  bool string(std::string& v) { return Scalar(JsonMember::kString, &v); }
  bool binary(Json::binary_t&) { return Scalar(JsonMember::kOther, nullptr); }
  bool start_object(std::size_t) { return Open(true); }
  bool start_array(std::size_t) { return Open(false); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(std::string& k) {
    if (depth_ != 1 || !object_) return true;
    target_ = nullptr;
    for (std::size_t i = 0; i < out_.size(); ++i)
      if (k == names_[i]) target_ = &out_[i];
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error_ = MalformedJson(e);
    return false;
  }

  bool object() const { return object_; }
  const std::string& error() const { return error_; }

 private:
  bool Scalar(JsonMember::State state, std::string* s) {
    if (depth_ == 1 && target_) {
      target_->state = state;
      if (s) target_->value = std::move(*s);
    }
    return true;
  }
  bool Open(bool object) {
    if (depth_ == 0) object_ = object;
    if (depth_ == 1 && target_) target_->state = JsonMember::kOther;
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }

  std::span<const std::string_view> names_;
  std::span<JsonMember> out_;
  int depth_ = 0;
  bool object_ = false;
  JsonMember* target_ = nullptr;  // the member the next value at depth 1 is of
  std::string error_;
};

Status TooDeep(int max_depth) {
  return Status::Invalid("JSON nested deeper than " + std::to_string(max_depth) + " levels");
}

}  // namespace

int JsonNestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> ParseJsonObject(std::string_view body, int max_depth) {
  if (JsonNestingDepth(body, max_depth) > max_depth) return TooDeep(max_depth);
  try {
    auto j = nlohmann::json::parse(body);
    if (!j.is_object()) return Status::Invalid(kJsonNotAnObject);
    return j;
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    return Status::Invalid(MalformedJson(e));
  }
}

namespace detail {

bool ReadJsonMembersBySimdjson(std::string_view body, std::span<const std::string_view> names,
                               std::span<JsonMember> out) {
  if (body.size() > kSimdjsonMaxBytes) return false;
  // One parser a thread: it keeps its buffers (sized by the largest body it has read) between documents.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(body.data(), body.size()).get_object().get(object) != simdjson::SUCCESS) return false;
  for (auto [key, value] : object) {  // in order, so that the last of duplicate keys counts
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (key != names[i]) continue;
      JsonMember& m = out[i];
      std::string_view text;
      if (value.is_null()) {
        m.state = JsonMember::kNull;
      } else if (value.get_string().get(text) == simdjson::SUCCESS) {
        m.state = JsonMember::kString;
        m.value.assign(text);
      } else {
        m.state = JsonMember::kOther;
      }
    }
  }
  return true;
}

}  // namespace detail

Status ReadJsonMembers(std::string_view body, std::span<const std::string_view> names,
                       std::span<JsonMember> out, int max_depth) {
  if (JsonNestingDepth(body, max_depth) > max_depth) return TooDeep(max_depth);
  const std::size_t n = std::min(names.size(), out.size());
  if (detail::ReadJsonMembersBySimdjson(body, names.first(n), out.first(n))) return Status::Ok();
  MemberReader reader(names.first(n), out.first(n));
  if (!nlohmann::json::sax_parse(body.begin(), body.end(), &reader)) return Status::Invalid(reader.error());
  if (!reader.object()) return Status::Invalid(kJsonNotAnObject);
  return Status::Ok();
}

std::string JsonError(std::string_view code, std::string_view message, const nlohmann::json& fields) {
  nlohmann::json j = {{"error", code}, {"message", message}};
  if (!fields.is_null()) j["fields"] = fields;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace opsbot
