target_sources(lunch_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/shard/shard_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/shard/shard_owner_actor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/user/user_entity_actor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/party/party_entity_actor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/region/region_actor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cluster/catalog_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cluster/catalog_actor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cluster/cluster_state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cluster/cluster_leases.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cluster/cluster_peers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cluster/cluster_actor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/node/routing.cpp
  ${CMAKE_CURRENT_LIST_DIR}/node/gateway_debug.cpp
  ${CMAKE_CURRENT_LIST_DIR}/node/gateway_actor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/node/node_root.cpp)
