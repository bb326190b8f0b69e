"""Per-run state that every source of one `check()` call shares: config, caches, Hub client.

Mutable on purpose and never global, so two runs never see each other's caches. Each field is
typed; what is built lazily (the Hub client, the extended knowledge base) is built once per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guardrail.config import GuardrailConfig
from guardrail.findings import Evidence
from guardrail.knowledge.x_datasets import KnowledgeBase, packaged_knowledge_base
from guardrail.readers.hub.client import HubClient


@dataclass
class CheckContext:
    """Per-run state: the config and the caches that one `check()` call shares across targets.

    Args:
        config: The policy and limits of this run.
        progress: Show progress bars for long record scans.
        lineage_cache: Parent dataset (normalised name) -> its evidence, resolved once per run.
        hub_client: The run's Hub client (one breaker, one timeout); made on first use.
        knowledge: The packaged knowledge base extended by the configuration; made on first use.
    """

    config: GuardrailConfig
    progress: bool = False
    lineage_cache: dict[str, Evidence] = field(default_factory=dict)
    hub_client: HubClient | None = None
    knowledge: KnowledgeBase | None = None

    def hub(self) -> HubClient:
        """The run's shared Hub client."""
        if self.hub_client is None:
            self.hub_client = HubClient(self.config.hub_timeout)
        return self.hub_client

    def knowledge_base(self) -> KnowledgeBase:
        """The packaged knowledge base extended by the configuration's `known-x-datasets`."""
        if self.knowledge is None:
            self.knowledge = packaged_knowledge_base().extended(
                self.config.known_x_datasets, self.config.source
            )
        return self.knowledge
