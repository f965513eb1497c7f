// FogMQTT — placeholder target; its issue fills it in. See docs/architecture.md for its role.
