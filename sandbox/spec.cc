// placeholder
namespace vg {}
