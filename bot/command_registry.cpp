#include "bot/command_registry.h"

#include "bot/text.h"

namespace opsbot {

Status CommandRegistry::Add(CommandSpec spec) {
  if (spec.id.empty() || spec.name.empty() || !spec.handler)
    return Status::Invalid("command spec '" + spec.id + "' needs an id, a name and a handler");
  if (ById(spec.id)) return Status::Exists("duplicate command id '" + spec.id + "'");
  std::vector<std::string> names = {spec.name};
  names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  std::vector<Form> new_forms;
  for (const auto& n : names) {
    auto words = Tokenize(ToLowerAscii(n));
    if (words.empty()) return Status::Invalid("command '" + spec.id + "' has an empty alias");
    for (const Form& f : forms_) {
      if (f.words == words)
        return Status::Exists("alias '" + n + "' of '" + spec.id + "' is already used by '" + f.spec->id +
                              "'");
    }
    for (const Form& f : new_forms) {
      if (f.words == words) return Status::Exists("alias '" + n + "' appears twice in '" + spec.id + "'");
    }
    new_forms.push_back({std::move(words), nullptr, ContainsCjk(n)});
  }
  specs_.push_back(std::make_unique<CommandSpec>(std::move(spec)));
  for (Form& f : new_forms) {
    f.spec = specs_.back().get();
    forms_.push_back(std::move(f));
  }
  return Status::Ok();
}

std::optional<CommandRegistry::Match> CommandRegistry::Find(const std::vector<std::string>& tokens) const {
  if (tokens.empty()) return std::nullopt;
  std::vector<std::string> lower;
  lower.reserve(tokens.size());
  for (const auto& t : tokens)
    lower.push_back(ToLowerAscii(t));

  const Form* best = nullptr;
  bool best_glued = false;
  for (const Form& f : forms_) {
    bool whole = f.words.size() <= lower.size();
    for (std::size_t i = 0; whole && i < f.words.size(); ++i)
      whole = f.words[i] == lower[i];
    bool glued = !whole && f.chinese && f.words.size() == 1 && lower[0].size() > f.words[0].size() &&
                 lower[0].compare(0, f.words[0].size(), f.words[0]) == 0;
    if (!whole && !glued) continue;
    std::size_t len = whole ? f.words.size() : 1;
    std::size_t best_len = best ? (best_glued ? 1 : best->words.size()) : 0;
    // Equal lengths: a whole match beats a glued one, and a longer glued alias a shorter one
    // ("查看工单T-3" is 查看工单 + T-3, not 查看 + 工单T-3).
    bool longer_glue = glued && best_glued && f.words[0].size() > best->words[0].size();
    if (!best || len > best_len || (len == best_len && best_glued && (whole || longer_glue))) {
      best = &f;
      best_glued = glued;
    }
  }
  if (!best) return std::nullopt;
  Match m;
  m.spec = best->spec;
  m.chinese_alias = best->chinese;
  if (best_glued) {
    m.rest.push_back(tokens[0].substr(best->words[0].size()));
    m.rest.insert(m.rest.end(), tokens.begin() + 1, tokens.end());
  } else {
    m.rest.assign(tokens.begin() + static_cast<std::ptrdiff_t>(best->words.size()), tokens.end());
  }
  return m;
}

const CommandSpec* CommandRegistry::ById(const std::string& id) const {
  for (const auto& s : specs_)
    if (s->id == id) return s.get();
  return nullptr;
}

std::vector<const CommandSpec*> CommandRegistry::All() const {
  std::vector<const CommandSpec*> out;
  for (const auto& s : specs_)
    out.push_back(s.get());
  return out;
}

std::optional<std::string> CommandRegistry::Nearest(
    const std::string& typed, const std::function<bool(const CommandSpec&)>& allowed) const {
  std::optional<std::string> best;
  std::size_t best_d = 0;
  for (const Form& f : forms_) {
    if (!allowed(*f.spec)) continue;
    std::string form = Join(f.words, " ");
    std::size_t d = EditDistance(typed, form);
    std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, Utf8Length(form) / 3));
    if (d <= limit && (!best || d < best_d)) {
      best = form;
      best_d = d;
    }
  }
  return best;
}

std::vector<const CommandSpec*> CommandRegistry::Family(const std::string& family) const {
  std::vector<const CommandSpec*> out;
  std::string f = ToLowerAscii(family);
  for (const auto& s : specs_) {
    auto words = Tokenize(ToLowerAscii(s->name));
    if (words.size() > 1 && words[0] == f) out.push_back(s.get());
  }
  return out;
}

}  // namespace opsbot
