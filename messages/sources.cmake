target_sources(lunch_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/errors.cpp)
