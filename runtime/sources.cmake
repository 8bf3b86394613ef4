target_sources(lunch_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/log.cpp
  ${CMAKE_CURRENT_LIST_DIR}/system_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/db/connection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/db/map_error.cpp
  ${CMAKE_CURRENT_LIST_DIR}/db/migrate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/db/standby_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/supervisor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/supervisor_tree.cpp)
