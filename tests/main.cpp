// Defines the Boost.Test module; each suite lives in its own *_test.cpp file.
#define BOOST_TEST_MODULE specrecon
#include <boost/test/unit_test.hpp>
