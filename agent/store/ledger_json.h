// The JSON form of a LedgerEntry as the store keeps it (internal to
// agent/store; the key columns app/environment/kind/name are not in it).
#ifndef ENCORE_AGENT_STORE_LEDGER_JSON_H_
#define ENCORE_AGENT_STORE_LEDGER_JSON_H_

#include <string>

#include "agent/store/store.h"

namespace encore::agent {

std::string LedgerEntryToJson(const LedgerEntry& e);
// Fills everything but the key columns; kInternal when the text is damaged.
Status LedgerEntryFromJson(const std::string& text, LedgerEntry* e);

}  // namespace encore::agent

#endif  // ENCORE_AGENT_STORE_LEDGER_JSON_H_
